package io.steelyard.lb;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steelyard.lb.health.Check;
import io.steelyard.lb.health.CheckOutcome;
import io.steelyard.lb.health.CheckStatus;
import io.steelyard.lb.health.HealthListener;
import io.steelyard.lb.health.ServerEvent;
import io.steelyard.lb.health.ServerStatus;
import io.steelyard.lb.testing.RealServer;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The ready-made checks against the real servers of Debian's packages: each marks a healthy server
 * up, and down a server that hangs (stopped), one that answers in its protocol with an error, and
 * one that does not speak the protocol; and MySQL's check leaves MariaDB nothing to complain of.
 */
class RealServerChecksTest {
  private final List<ServerEvent> events = new CopyOnWriteArrayList<>();
  private Balancer balancer;

  @AfterEach
  void stop() {
    if (balancer != null) {
      balancer.close();
    }
  }

  /** Checks every 200 ms, 300 ms for a check once connected, down after 2 failures. */
  private void start(Check check, Consumer<BackendBuilder> servers) {
    balancer =
        Balancer.builder()
            .listener(new HealthListener() {
              @Override
              public void serverChanged(ServerEvent event) {
                events.add(event);
              }
            })
            .defaults(d -> d.connectTimeout(ofMillis(300)).checkTimeout(ofMillis(300)))
            .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
            .backend("bk", b -> {
              b.check(check);
              servers.accept(b);
            })
            .start();
  }

  private static Consumer<ServerBuilder> checked() {
    return s -> s.check().inter(ofMillis(200)).fall(2);
  }

  private CheckOutcome last(String server) {
    return balancer.stats().backend("bk").server(server).check().last();
  }

  private void awaitOutcome(String server, CheckOutcome outcome) {
    await().atMost(ofSeconds(10)).untilAsserted(() -> assertThat(last(server)).isEqualTo(outcome));
  }

  private ServerEvent awaitEvent(String server, ServerStatus status) {
    await().atMost(ofSeconds(10)).until(() -> events.stream()
        .anyMatch(e -> e.server().equals(server) && e.status() == status));
    return events.stream().filter(e -> e.server().equals(server) && e.status() == status)
        .findFirst().orElseThrow();
  }

  private static String durationless(ServerEvent event) {
    return event.message().replaceAll("check duration: \\d+ms", "check duration: Nms");
  }

  @Test
  void redisCheckFollowsARealRedis() throws Exception {
    try (RealServer redis = RealServer.redis(); RealServer locked = RealServer.redis();
        RealServer postgres = RealServer.postgres()) {
      try (Socket socket = new Socket(locked.address().getAddress(), locked.address().getPort())) {
        OutputStream out = socket.getOutputStream();
        out.write("CONFIG SET requirepass secret\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertThat(new String(socket.getInputStream().readNBytes(5), StandardCharsets.US_ASCII))
            .isEqualTo("+OK\r\n");
      }
      start(Check.redis(), b -> b
          .server("s1", redis.hostPort(), checked())
          .server("locked", locked.hostPort(), checked())
          .server("pg", postgres.hostPort(), checked()));

      awaitOutcome("s1", new CheckOutcome(CheckStatus.L7OK, 0, "Redis server is ok"));
      // Redis answers -NOAUTH and keeps the connection: the check waits for +PONG until its
      // timeout, as HAProxy's does.
      assertThat(durationless(awaitEvent("locked", ServerStatus.DOWN))).startsWith(
          "Server bk/locked is DOWN, reason: Layer7 timeout, check duration: Nms.");
      // PostgreSQL takes PING for a startup packet of a wrong length and closes without a word.
      assertThat(durationless(awaitEvent("pg", ServerStatus.DOWN))).startsWith(
          "Server bk/pg is DOWN, reason: Layer7 wrong status, code: 0, info: \"TCPCHK got an empty"
              + " response at step 2\", check duration: Nms.");

      redis.pause();
      assertThat(durationless(awaitEvent("s1", ServerStatus.DOWN))).startsWith(
          "Server bk/s1 is DOWN, reason: Layer7 timeout, check duration: Nms.");
      assertThat(last("s1")).isEqualTo(new CheckOutcome(CheckStatus.L7TOUT, 0, ""));
      redis.resume();
      assertThat(durationless(awaitEvent("s1", ServerStatus.UP))).startsWith(
          "Server bk/s1 is UP, reason: Layer7 check passed, code: 0, info: \"Redis server is ok\","
              + " check duration: Nms.");
    }
  }

  @Test
  void pgsqlCheckFollowsARealPostgres() throws Exception {
    try (RealServer postgres = RealServer.postgres(); RealServer redis = RealServer.redis()) {
      start(Check.pgsql("postgres"), b -> b
          .server("s1", postgres.hostPort(), checked())
          .server("nobody", postgres.hostPort(), s -> s.check(Check.pgsql("nobody"))
              .inter(ofMillis(200)).fall(2))
          .server("redis", redis.hostPort(), checked()));

      awaitOutcome("s1", new CheckOutcome(CheckStatus.L7OK, 0, "PostgreSQL server is ok"));
      awaitOutcome("nobody", new CheckOutcome(CheckStatus.L7RSP, 0, "FATAL"));
      awaitEvent("nobody", ServerStatus.DOWN);
      // Redis waits for the end of a line that never comes: the check times out.
      awaitOutcome("redis", new CheckOutcome(CheckStatus.L7TOUT, 0, ""));
      awaitEvent("redis", ServerStatus.DOWN);

      postgres.pause();
      assertThat(durationless(awaitEvent("s1", ServerStatus.DOWN))).startsWith(
          "Server bk/s1 is DOWN, reason: Layer7 timeout, check duration: Nms.");
      postgres.resume();
      assertThat(durationless(awaitEvent("s1", ServerStatus.UP))).startsWith(
          "Server bk/s1 is UP, reason: Layer7 check passed, code: 0, info: \"PostgreSQL server is"
              + " ok\", check duration: Nms.");
    }
  }

  @Test
  void mysqlCheckFollowsARealMariadbAndLeavesNoAbortedConnection() throws Exception {
    try (RealServer mariadb = RealServer.mariadb(); RealServer redis = RealServer.redis()) {
      long abortedBefore = counter(mariadb, "Aborted_connects");
      int logBefore = mariadb.errorLog().length();
      runChecks(mariadb, Check.mysql("haproxy"), 10);
      assertThat(last("s1")).isEqualTo(new CheckOutcome(CheckStatus.L7OK, 0, ""));
      balancer.close();
      assertThat(mariadb.errorLog().substring(logBefore)).doesNotContain("Aborted connection");
      assertThat(counter(mariadb, "Aborted_connects")).isEqualTo(abortedBefore);

      // What it spares the server: a check that only connects.
      runChecks(mariadb, Check.connect(), 10);
      balancer.close();
      assertThat(mariadb.errorLog().substring(logBefore).lines()
          .filter(line -> line.contains("Aborted connection")).count()).isPositive();

      events.clear();
      start(Check.mysql("haproxy"), b -> b
          .server("s1", mariadb.hostPort(), checked())
          .server("nobody", mariadb.hostPort(), s -> s.check(Check.mysql("nobody"))
              .inter(ofMillis(200)).fall(2))
          .server("redis", redis.hostPort(), checked()));
      CheckOutcome denied = await().atMost(ofSeconds(10)).until(() -> last("nobody"),
          o -> o != null && o.status() == CheckStatus.L7STS);
      assertThat(denied.code()).isEqualTo(1045);
      assertThat(denied.info()).startsWith("#28000Access denied for user 'nobody'@'");
      awaitEvent("nobody", ServerStatus.DOWN);
      // Redis answers the login packet with an error line, not a MySQL packet.
      assertThat(awaitEvent("redis", ServerStatus.DOWN).message())
          .startsWith("Server bk/redis is DOWN, reason: Layer7 ");

      awaitOutcome("s1", new CheckOutcome(CheckStatus.L7OK, 0, ""));
      mariadb.pause();
      assertThat(durationless(awaitEvent("s1", ServerStatus.DOWN))).startsWith(
          "Server bk/s1 is DOWN, reason: Layer7 timeout, check duration: Nms.");
      mariadb.resume();
      awaitEvent("s1", ServerStatus.UP);
    }
  }

  /** Runs {@code check} on MariaDB as server s1 until it has served {@code count} connections. */
  private void runChecks(RealServer mariadb, Check check, int count) throws Exception {
    long before = counter(mariadb, "Connections");
    start(check, b -> b.server("s1", mariadb.hostPort(), checked()));
    await().atMost(ofSeconds(10)).until(() -> counter(mariadb, "Connections") >= before + count);
  }

  private static long counter(RealServer mariadb, String name) throws Exception {
    return Long.parseLong(mariadb.sql("SHOW GLOBAL STATUS LIKE '" + name + "'").split("\\s+")[1]);
  }
}
