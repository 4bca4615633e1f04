package io.steelyard.lb;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.epoll.Epoll;
import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.TestClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
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
 * threads do, unless a {@code maxconn} applies; the kernel's socket table shows the listeners.
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
  void maxConnKeepsOneListener() throws Exception {
    try (TestBackend server = TestBackend.greeting("s1");
        Balancer balancer =
            Balancer.builder()
                .ioThreads(3)
                .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk").maxConn(10))
                .backend("bk", b -> b.server("s1", server.hostPort()))
                .start()) {
      assertThat(listenersOnPort(balancer.boundAddresses("ft").get(0).getPort())).isEqualTo(1);
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
