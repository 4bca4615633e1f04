package io.steelyard.lb;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steelyard.lb.stats.BackendStats;
import io.steelyard.lb.schedule.Balance;
import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.TestClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Connection failures, retries, redispatch and the three timeouts, on real loopback sockets. */
class RetryAndTimeoutTest {
  private final List<AutoCloseable> resources = new ArrayList<>();
  private Balancer balancer;

  @AfterEach
  void tearDown() throws Exception {
    if (balancer != null) {
      balancer.close();
    }
    for (AutoCloseable resource : resources) {
      resource.close();
    }
  }

  private TestBackend greeting(String name) {
    TestBackend backend = TestBackend.greeting(name);
    resources.add(backend);
    return backend;
  }

  @Test
  void refusedServerIsRetriedThenRedispatchedWithoutClientError() throws Exception {
    InetSocketAddress refusing = TestBackend.refusingAddress();
    TestBackend good = greeting("good");
    balancer =
        Balancer.builder()
            .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
            .backend("bk", b -> b.balance(Balance.first()).retries(2).redispatch(true)
                .connectTimeout(ofMillis(200))
                .server("dead", "127.0.0.1:" + refusing.getPort())
                .server("good", good.hostPort()))
            .start();

    long start = System.nanoTime();
    String server = TestClient.whoAnswers(balancer.boundAddresses("ft").get(0), null);
    long millis = (System.nanoTime() - start) / 1_000_000;

    assertThat(server).isEqualTo("good");
    // One retry on the same server after the turn-around pause of min(connect timeout, 1 s), then
    // the last retry goes to another server after one more pause.
    assertThat(millis).isGreaterThanOrEqualTo(2 * 200);
    BackendStats stats = balancer.stats().backend("bk");
    assertThat(stats.server("dead").traffic().connectErrors()).isEqualTo(2);
    assertThat(stats.server("dead").traffic().retries()).isEqualTo(1);
    assertThat(stats.server("dead").traffic().redispatches()).isEqualTo(1);
    assertThat(stats.traffic().redispatches()).isEqualTo(1);
    assertThat(stats.server("good").traffic().total()).isEqualTo(1);
  }

  @Test
  void withoutRedispatchTheClientIsClosedAfterTheRetries() throws Exception {
    InetSocketAddress refusing = TestBackend.refusingAddress();
    balancer =
        Balancer.builder()
            .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
            .backend("bk", b -> b.retries(1).connectTimeout(ofMillis(100))
                .server("dead", "127.0.0.1:" + refusing.getPort()))
            .start();

    try (Socket socket = TestClient.connect(balancer.boundAddresses("ft").get(0))) {
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
    assertThat(balancer.stats().backend("bk").server("dead").traffic().connectErrors()).isEqualTo(2);
  }

  @Test
  void connectTimeoutIsHonoured() throws Exception {
    // A listener that never accepts, its accept queue filled: further SYNs are dropped, so a
    // connection attempt neither succeeds nor is refused until the connect timeout.
    try (ServerSocket black = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      List<Socket> fillers = new ArrayList<>();
      try {
        fillAcceptQueue(black, fillers);
        balancer =
            Balancer.builder()
                .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
                .backend("bk", b -> b.retries(1).connectTimeout(ofMillis(300))
                    .server("black", "127.0.0.1:" + black.getLocalPort()))
                .start();

        long start = System.nanoTime();
        try (Socket socket = TestClient.connect(balancer.boundAddresses("ft").get(0))) {
          assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(millis).isBetween(2 * 300L, 5_000L);
        assertThat(balancer.stats().backend("bk").traffic().connectErrors()).isEqualTo(2);
      } finally {
        for (Socket filler : fillers) {
          filler.close();
        }
      }
    }
  }

  /** Connects until a connection attempt to {@code listener} hangs (its queue is full). */
  private static void fillAcceptQueue(ServerSocket listener, List<Socket> fillers) throws Exception {
    for (int i = 0; i < 64; i++) {
      Socket socket = new Socket();
      try {
        socket.connect(listener.getLocalSocketAddress(), 200);
        fillers.add(socket);
      } catch (java.net.SocketTimeoutException full) {
        socket.close();
        return;
      }
    }
    throw new AssertionError("the accept queue of " + listener + " never filled");
  }

  @Test
  void clientInactivityClosesTheConnection() throws Exception {
    TestBackend server = greeting("s1");
    balancer =
        Balancer.builder()
            .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk")
                .clientTimeout(ofMillis(400)))
            .backend("bk", b -> b.serverTimeout(ofSeconds(30)).server("s1", server.hostPort()))
            .start();

    assertClosedAfterIdle(balancer.boundAddresses("ft").get(0), 400);
    await().until(() -> server.open() == 0);
  }

  @Test
  void serverInactivityClosesTheConnection() throws Exception {
    TestBackend server = greeting("s1");
    balancer =
        Balancer.builder()
            .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk")
                .clientTimeout(ofSeconds(30)))
            .backend("bk", b -> b.serverTimeout(ofMillis(400)).server("s1", server.hostPort()))
            .start();

    assertClosedAfterIdle(balancer.boundAddresses("ft").get(0), 400);
    await().until(() -> server.open() == 0);
  }

  /** Talks once, then stays silent: the balancer must close after about {@code timeout} ms. */
  private static void assertClosedAfterIdle(InetSocketAddress front, long timeout) throws Exception {
    try (Socket socket = TestClient.connect(front)) {
      assertThat(TestClient.readLine(socket)).isEqualTo("s1");
      long idleSince = System.nanoTime();
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
      long idleMillis = (System.nanoTime() - idleSince) / 1_000_000;

      assertThat(idleMillis).isBetween(timeout - 100, timeout + 5_000);
    }
  }
}
