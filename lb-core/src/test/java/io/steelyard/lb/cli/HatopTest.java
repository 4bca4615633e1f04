package io.steelyard.lb.cli;

import io.steelyard.lb.testing.Tools;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.steelyard.lb.Balancer;
import io.steelyard.lb.health.ServerStatus;
import io.steelyard.lb.stats.ServerStats;
import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.TestClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code hatop} (Debian's package) in a terminal (a detached tmux session) against the
 * stats socket: it shows the frontend, the backend and the servers with their status, and a server
 * disabled from it (F10 on the server's line) takes no new connection.
 */
class HatopTest {
  @TempDir Path dir;
  private final String session = "steelyard-hatop-" + ProcessHandle.current().pid();
  private TestBackend web1;
  private TestBackend web2;
  private Balancer balancer;
  private InetSocketAddress front;
  private Path socket;

  @BeforeEach
  void start() {
    Tools.require("hatop", "tmux");
    web1 = TestBackend.greeting("web1");
    web2 = TestBackend.greeting("web2");
    socket = dir.resolve("admin.sock");
    balancer =
        Balancer.builder()
            .drainTimeout(ofSeconds(1))
            .frontend("ft_web", f -> f.bind("127.0.0.1:0").defaultBackend("bk_web"))
            .backend("bk_web", b -> b
                .server("web1", web1.hostPort())
                .server("web2", web2.hostPort(), s -> s.check().inter(ofMillis(200))))
            .attach(StatsSocket.unix(socket).level(Level.ADMIN))
            .start();
    front = balancer.boundAddresses("ft_web").get(0);
  }

  @AfterEach
  void stop() throws Exception {
    if (balancer == null) {
      return; // skipped: hatop or tmux is missing
    }
    try {
      tmux("kill-session", "-t", session);
    } finally {
      balancer.close();
      web1.close();
      web2.close();
    }
  }

  @Test
  void hatopShowsTheProxiesAndDisablesAServer() throws Exception {
    tmux("new-session", "-d", "-s", session, "-x", "200", "-y", "50", "hatop -s " + socket);
    String screen = awaitScreen(s -> line(s, "web2").contains("L4OK") && s.contains("BACKEND"));
    assertThat(screen).contains("Steelyard Version:", "ft_web", "FRONTEND", "OPEN", "bk_web",
        "web1", "web2", "BACKEND", "UP");
    // hatop shows HAProxy's "no check" as "-" with check "none".
    assertThat(line(screen, "web1")).as("web1 is not checked").matches("web1 +1 - +none .*");
    assertThat(line(screen, "web2")).matches("web2 +1 UP +L4OK .*");
    assertThat(line(screen, "FRONTEND")).matches("FRONTEND +0 OPEN .*");
    assertThat(line(screen, "BACKEND")).matches("BACKEND +2 UP .*");

    // The cursor starts on the first line; move down line by line and press F10 (disable) until a
    // server is disabled: F10 does nothing on FRONTEND and BACKEND lines.
    ServerStats disabled = null;
    for (int i = 0; i < 8 && disabled == null; i++) {
      tmux("send-keys", "-t", session, "Down");
      tmux("send-keys", "-t", session, "F10");
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1000);
      while (disabled == null && System.nanoTime() < deadline) {
        disabled = balancer.stats().backend("bk_web").servers().stream()
            .filter(s -> s.status() == ServerStatus.MAINT).findFirst().orElse(null);
        Thread.sleep(50);
      }
    }
    assertThat(disabled).as("a server disabled from hatop").isNotNull();
    String name = disabled.name();
    String other = name.equals("web1") ? "web2" : "web1";
    assertThat(line(awaitScreen(s -> line(s, name).contains("MAINT")), name)).contains("MAINT");

    TestBackend off = name.equals("web1") ? web1 : web2;
    int before = off.accepted();
    for (int i = 0; i < 20; i++) {
      assertThat(TestClient.whoAnswers(front, TestClient.loopback(2 + i))).isEqualTo(other);
    }
    assertThat(off.accepted()).as(name + " takes no new connection").isEqualTo(before);
  }

  /** The line of the screen that starts with {@code name}, or "". */
  private static String line(String screen, String name) {
    return screen.lines().filter(l -> l.startsWith(name + " ")).findFirst().orElse("");
  }

  /** Captures hatop's screen until {@code ready} holds, for at most 15 s. */
  private String awaitScreen(Predicate<String> ready) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    String screen = "";
    while (System.nanoTime() < deadline) {
      screen = tmux("capture-pane", "-p", "-t", session);
      if (ready.test(screen)) {
        return screen;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("hatop's screen never showed what was expected:\n" + screen);
  }

  private static String tmux(String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("tmux"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("tmux " + String.join(" ", args) + " did not end");
    }
    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
