package io.steelyard.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.steelyard.lb.stats.FrontendStatus;
import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.TestClient;
import io.steelyard.lb.transport.Transport;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Start, bind failures, connection limits and a graceful close that releases everything. */
class LifecycleTest {

  private static long ioThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("steelyard-io"))
        .count();
  }

  private static int openFiles() {
    return Objects.requireNonNull(new File("/proc/self/fd").list()).length;
  }

  @Test
  void closeLetsOpenConnectionsFinishThenReleasesThreadsAndSockets() throws Exception {
    try (TestBackend server = TestBackend.greeting("s1")) {
      int filesBefore = openFiles();
      Balancer balancer =
          Balancer.builder()
              .drainTimeout(Duration.ofSeconds(10))
              .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
              .backend("bk", b -> b.server("s1", server.hostPort()))
              .start();
      Socket client = TestClient.connect(balancer.boundAddresses("ft").get(0));
      assertThat(TestClient.readLine(client)).isEqualTo("s1");
      assertThat(ioThreads()).isPositive();

      CompletableFuture<Void> closing = CompletableFuture.runAsync(balancer::close);
      Thread.sleep(300);
      assertThat(closing).as("close waits for the open connection").isNotDone();
      client.getOutputStream().write("last words\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(TestClient.readLine(client)).isEqualTo("last words");
      client.shutdownOutput();
      assertThat(TestClient.readLine(client)).isEqualTo("bye from s1");
      client.close();

      closing.get(10, TimeUnit.SECONDS);
      await().until(() -> ioThreads() == 0);
      await().untilAsserted(() -> assertThat(openFiles()).isLessThanOrEqualTo(filesBefore));
    }
  }

  @Test
  void closeEndsConnectionsThatOutliveTheDrainTimeout() throws Exception {
    try (TestBackend server = TestBackend.greeting("s1")) {
      Balancer balancer =
          Balancer.builder()
              .drainTimeout(Duration.ofMillis(300))
              .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
              .backend("bk", b -> b.server("s1", server.hostPort()))
              .start();
      try (Socket client = TestClient.connect(balancer.boundAddresses("ft").get(0))) {
        assertThat(TestClient.readLine(client)).isEqualTo("s1");

        long start = System.nanoTime();
        balancer.close();
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(millis).isBetween(300L, 8_000L);
        assertThat(client.getInputStream().read()).isEqualTo(-1);
        await().until(() -> ioThreads() == 0);
        await().until(() -> server.open() == 0);
      }
    }
  }

  @Test
  void bindFailureNamesTheAddressAndLeavesNothingRunning() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String address = "127.0.0.1:" + taken.getLocalPort();
      BalancerBuilder builder =
          Balancer.builder()
              .frontend("ok", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
              .frontend("ft", f -> f.bind(address).defaultBackend("bk"))
              .backend("bk", b -> b.server("s1", "127.0.0.1:9"));

      assertThatThrownBy(builder::start)
          .isInstanceOf(StartException.class)
          .hasMessageStartingWith("frontend 'ft': cannot bind " + address + ": ")
          .hasMessageContaining("in use")
          .hasCauseInstanceOf(java.io.IOException.class);
      await().until(() -> ioThreads() == 0);
    }
  }

  /**
   * Two clients are served and the third waits until one leaves. Which one waits is the kernel's
   * to say: on epoll and io_uring each event loop has its own listener and accept queue, and a
   * client that came later may be taken first. On io_uring a paused listener still accepts the
   * client its pending accept completes with.
   */
  @ParameterizedTest
  @ValueSource(strings = {"io_uring", "epoll", "nio"})
  void frontendMaxConnMakesFurtherClientsWait(String transport) throws Exception {
    try (TestBackend server = TestBackend.greeting("s1");
        Balancer balancer =
            Balancer.builder()
                .transport(Map.of("io_uring", Transport.ioUring(), "epoll", Transport.epoll(),
                    "nio", Transport.nio()).get(transport))
                .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk").maxConn(2))
                .backend("bk", b -> b.server("s1", server.hostPort()))
                .start();
        Socket first = TestClient.connect(balancer.boundAddresses("ft").get(0));
        Socket second = TestClient.connect(balancer.boundAddresses("ft").get(0));
        Socket third = TestClient.connect(balancer.boundAddresses("ft").get(0))) {
      List<Socket> clients = List.of(first, second, third);
      await().atMost(Duration.ofSeconds(10))
          .until(() -> clients.stream().filter(LifecycleTest::greeted).count() == 2);
      Socket waiting = clients.stream().filter(c -> !greeted(c)).findFirst().orElseThrow();
      waiting.setSoTimeout(500);
      assertThatThrownBy(() -> waiting.getInputStream().read())
          .as("the client past the maxconn waits in an accept queue")
          .isInstanceOf(java.net.SocketTimeoutException.class);
      assertThat(server.accepted()).isEqualTo(2);

      clients.stream().filter(c -> c != waiting).findFirst().orElseThrow().close();
      waiting.setSoTimeout(5_000);
      assertThat(TestClient.readLine(waiting)).isEqualTo("s1");
    }
  }

  /** Whether the greeting server's name has reached {@code client} (it is left unread). */
  private static boolean greeted(Socket client) {
    try {
      return client.getInputStream().available() >= "s1\n".length();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aFrontendHoldingItsMaxConnIsFullInStats() throws Exception {
    try (TestBackend server = TestBackend.greeting("s1");
        Balancer balancer =
            Balancer.builder()
                .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk").maxConn(1))
                .backend("bk", b -> b.server("s1", server.hostPort()))
                .start()) {
      assertThat(balancer.stats().frontend("ft").status()).isEqualTo(FrontendStatus.OPEN);
      try (Socket client = TestClient.connect(balancer.boundAddresses("ft").get(0))) {
        assertThat(TestClient.readLine(client)).isEqualTo("s1");
        assertThat(balancer.stats().frontend("ft").status()).isEqualTo(FrontendStatus.FULL);
      }
      await().until(() -> balancer.stats().frontend("ft").status() == FrontendStatus.OPEN);
    }
  }
}
