package io.steelyard.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.TestClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One HAProxy tcplog line per finished connection. slf4j-simple, the tests' logger, writes to
 * whatever {@code System.err} is at the time, so the test reads the lines there.
 */
class TrafficLogTest {
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private PrintStream original;

  @BeforeEach
  void capture() {
    original = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setErr(original);
    original.print(captured.toString(StandardCharsets.UTF_8));
  }

  private String lines() {
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void logsEachFinishedConnectionInTcplogFormat() throws Exception {
    try (TestBackend server = TestBackend.greeting("s1");
        Balancer balancer =
            Balancer.builder()
                .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk").log())
                .backend("bk", b -> b.server("s1", server.hostPort()))
                .start()) {
      InetSocketAddress front = balancer.boundAddresses("ft").get(0);
      try (Socket client = TestClient.connect(front, TestClient.loopback(7))) {
        assertThat(TestClient.readLine(client)).isEqualTo("s1");
        client.shutdownOutput();
        assertThat(TestClient.readLine(client)).isEqualTo("bye from s1");
      }

      await().until(() -> lines().contains(" ft bk/s1 "));
      assertThat(lines())
          .containsPattern(
              "127\\.0\\.0\\.7:\\d+ \\[\\d\\d/[A-Z][a-z]{2}/\\d{4}:\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\] "
                  + "ft bk/s1 0/\\d+/\\d+ 15 -- \\d+/\\d+/\\d+/\\d+/0 0/0");
    }
  }

  @Test
  void withoutLogNothingIsLoggedAndDontLogNullLeavesOutSilentClients() throws Exception {
    List<io.steelyard.lb.log.LogLine> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (TestBackend server = TestBackend.greeting("s1");
        Balancer balancer =
            Balancer.builder()
                .frontend("quiet", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
                .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk").log(logged::add).dontLogNull())
                .backend("bk", b -> b.server("s1", server.hostPort()))
                .start()) {
      assertThat(TestClient.whoAnswers(balancer.boundAddresses("quiet").get(0), TestClient.loopback(8))).isEqualTo("s1");
      assertThat(TestClient.whoAnswers(balancer.boundAddresses("ft").get(0), TestClient.loopback(9)))
          .as("a client that sends nothing").isEqualTo("s1");
      try (Socket talking = TestClient.connect(balancer.boundAddresses("ft").get(0), TestClient.loopback(10))) {
        TestClient.readLine(talking);
        TestClient.writeLine(talking, "hello");
        assertThat(TestClient.readLine(talking)).isEqualTo("hello");
      }
      await().until(() -> !logged.isEmpty());
      Thread.sleep(200);
      assertThat(logged).hasSize(1);
      assertThat(logged.get(0).frontend()).isEqualTo("ft");
      assertThat(logged.get(0).message()).startsWith("127.0.0.10:").contains(" ft bk/s1 ");
      assertThat(lines()).as("no frontend logs to SLF4J here").doesNotContain(" quiet bk/s1 ").doesNotContain(" ft bk/s1 ");
    }
  }

  @Test
  void logsARefusedConnectionWithItsTerminationState() throws Exception {
    InetSocketAddress refusing = TestBackend.refusingAddress();
    try (Balancer balancer =
        Balancer.builder()
            .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk").log())
            .backend("bk", b -> b.retries(0).server("dead", "127.0.0.1:" + refusing.getPort()))
            .start()) {
      try (Socket client = TestClient.connect(balancer.boundAddresses("ft").get(0))) {
        assertThat(client.getInputStream().read()).isEqualTo(-1);
      }

      await().until(() -> lines().contains(" ft bk/dead "));
      assertThat(lines()).containsPattern(" ft bk/dead 0/-1/\\d+ 0 SC \\d+/\\d+/\\d+/\\d+/0 0/0");
    }
  }

  /**
   * Connections cut because the drain time ran out are logged as killed ({@code KD}), as HAProxy
   * logs them, not as ended by their clients, even when the event loops stop right after.
   */
  @Test
  void logsConnectionsCutAtTheEndOfTheDrainTimeAsKilled() throws Exception {
    int count = 300;
    List<Socket> clients = new ArrayList<>();
    try (TestBackend server = TestBackend.greeting("s1")) {
      Balancer balancer =
          Balancer.builder()
              .drainTimeout(Duration.ofMillis(100))
              .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk").log())
              .backend("bk", b -> b.server("s1", server.hostPort()))
              .start();
      try {
        for (int i = 0; i < 4; i++) {
          Socket busy = TestClient.connect(balancer.boundAddresses("ft").get(0));
          clients.add(busy);
          Thread echo = new Thread(() -> echoUntilClosed(busy));
          echo.setDaemon(true);
          echo.start();
        }
        for (int i = 0; i < count; i++) {
          Socket client = TestClient.connect(balancer.boundAddresses("ft").get(0));
          clients.add(client);
          assertThat(TestClient.readLine(client)).isEqualTo("s1");
        }
      } finally {
        balancer.close();
      }
      await().until(() -> lines().split(" ft bk/s1 ", -1).length - 1 == count + 4);
      assertThat(lines().split(" 3 KD ", -1).length - 1).isEqualTo(count);
    } finally {
      for (Socket client : clients) {
        client.close();
      }
    }
  }

  /** Keeps a greeting server's echo busy until the connection ends, 30 s at most. */
  private static void echoUntilClosed(Socket socket) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    byte[] chunk = new byte[64 * 1024];
    try {
      java.io.InputStream in = socket.getInputStream();
      java.io.OutputStream out = socket.getOutputStream();
      while (System.nanoTime() < deadline) {
        out.write(chunk);
        in.readNBytes(chunk.length);
      }
    } catch (java.io.IOException ended) {
      // the balancer closed it
    }
  }
}
