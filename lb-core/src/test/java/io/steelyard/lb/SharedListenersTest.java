package io.steelyard.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.epoll.Epoll;
import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.TestClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * On epoll each event loop listens on every address of a frontend (SO_REUSEPORT), as HAProxy's
 * threads do, with or without a {@code maxconn}; the kernel's socket table shows the listeners.
 */
@EnabledOnOs(OS.LINUX)
class SharedListenersTest {

  @Test
  void eachEventLoopListensOnTheSamePort() throws Exception {
    assertThat(Epoll.isAvailable()).as("epoll on Linux").isTrue();
    try (TestBackend server = TestBackend.greeting("s1");
        Balancer balancer =
            Balancer.builder()
                .ioThreads(3)
                .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
                .backend("bk", b -> b.server("s1", server.hostPort()))
                .start()) {
      List<InetSocketAddress> bound = balancer.boundAddresses("ft");
      assertThat(bound).hasSize(1);
      assertThat(listenersOnPort(bound.get(0).getPort())).isEqualTo(3);
      List<Socket> clients = new ArrayList<>();
      try {
        for (int i = 0; i < 12; i++) {
          Socket client = TestClient.connect(bound.get(0));
          clients.add(client);
          assertThat(TestClient.readLine(client)).isEqualTo("s1");
        }
      } finally {
        for (Socket client : clients) {
          client.close();
        }
      }
    }
  }

  @Test
  void aMaxConnStillHasAListenerPerLoopAndHoldsItsLimit() throws Exception {
    try (TestBackend server = TestBackend.greeting("s1");
        Balancer balancer =
            Balancer.builder()
                .ioThreads(3)
                .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk").maxConn(10))
                .backend("bk", b -> b.server("s1", server.hostPort()))
                .start()) {
      InetSocketAddress front = balancer.boundAddresses("ft").get(0);
      assertThat(listenersOnPort(front.getPort())).isEqualTo(3);
      List<Socket> served = new ArrayList<>();
      List<Socket> waiting = new ArrayList<>();
      try {
        for (int i = 0; i < 10; i++) {
          served.add(TestClient.connect(front));
          assertThat(TestClient.readLine(served.get(i))).isEqualTo("s1");
        }
        for (int i = 0; i < 6; i++) {
          Socket client = TestClient.connect(front);
          client.setSoTimeout(300);
          waiting.add(client);
        }
        for (Socket client : waiting) {
          assertThatThrownBy(() -> client.getInputStream().read())
              .as("a client past the maxconn of 10, whichever listener took it")
              .isInstanceOf(SocketTimeoutException.class);
        }
        assertThat(balancer.stats().frontend("ft").traffic().current()).isEqualTo(10);
        for (int i = 0; i < 6; i++) {
          served.get(i).close();
        }
        for (Socket client : waiting) {
          client.setSoTimeout(5_000);
          assertThat(TestClient.readLine(client)).as("served once a slot is free").isEqualTo("s1");
        }
      } finally {
        for (Socket client : served) {
          client.close();
        }
        for (Socket client : waiting) {
          client.close();
        }
      }
    }
  }

  /** Sockets in state LISTEN on {@code port}, IPv4 and IPv6, from /proc/net/tcp and tcp6. */
  private static long listenersOnPort(int port) throws IOException {
    String local = String.format(Locale.ROOT, ":%04X", port);
    long count = 0;
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      for (String line : Files.readAllLines(Path.of(table))) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length > 3 && fields[1].endsWith(local) && fields[3].equals("0A")) {
          count++;
        }
      }
    }
    return count;
  }
}
