package io.steelyard.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steelyard.lb.testing.SteadyClients;
import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.TestClient;
import io.steelyard.lb.testing.UnixSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's reload, as an operator does it: the jar runs a file, a steady stream of short
 * clients (about 100 a second) and 1,000 long connections go through it, the file gains a server
 * and SIGUSR2 reloads it; then a broken file and SIGHUP. No client fails, no long connection is
 * cut, the new server takes clients within a second, the broken file changes nothing and {@code
 * show info} says so. Under systemd ({@code $NOTIFY_SOCKET}), it says when it is ready, reloading
 * and stopping.
 */
class ReloadTest {
  private static final String CONFIG = """
      global
        stats socket SOCKET level admin
      defaults
        mode tcp
        timeout connect 1s
        timeout client 30s
        timeout server 30s
      frontend ft
        bind 127.0.0.1:FRONT
        default_backend bk
      backend bk
        balance roundrobin
      """;

  @TempDir Path dir;
  private Process steelyard;
  private final List<TestBackend> backends = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    if (steelyard != null) {
      steelyard.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    backends.forEach(TestBackend::close);
  }

  @Test
  void aReloadAddsAServerUnderTrafficAndABrokenFileChangesNothing() throws Exception {
    TestBackend s1 = backend("s1");
    TestBackend s2 = backend("s2");
    InetSocketAddress front = TestBackend.refusingAddress();
    Path socket = dir.resolve("admin.sock");
    String base = CONFIG.replace("SOCKET", socket.toString()).replace("FRONT", String.valueOf(front.getPort()));
    Path file = Files.writeString(dir.resolve("haproxy.cfg"), base + "  server s1 " + s1.hostPort() + "\n");
    steelyard = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", System.getProperty("steelyard.jar"), "-f", file.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("steelyard.log").toFile()).start();
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(socket) && answers(front));

    List<Socket> long1000 = new ArrayList<>();
    SteadyClients clients = null;
    try {
      for (int i = 0; i < 1_000; i++) {
        Socket open = TestClient.connect(front);
        assertThat(TestClient.readLine(open)).isEqualTo("s1");
        long1000.add(open);
      }
      clients = SteadyClients.start(front, 3_000, i -> null);
      SteadyClients started = clients;
      await().until(() -> started.served() >= 50);

      Files.writeString(file, base + "  server s1 " + s1.hostPort() + "\n  server s2 " + s2.hostPort() + "\n");
      long reloaded = System.nanoTime();
      new ProcessBuilder("kill", "-USR2", String.valueOf(steelyard.pid())).start().waitFor(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(5)).until(() -> s2.accepted() > 0);
      System.out.printf("reload: the new server's first client %d ms after SIGUSR2%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - reloaded));

      Files.writeString(file, base + "  server s1 " + s1.hostPort() + "\n  server s2 127.0.0.1:notaport\n");
      new ProcessBuilder("kill", "-HUP", String.valueOf(steelyard.pid())).start().waitFor(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> log().contains("reload failed"));
      int before = started.served();
      await().atMost(Duration.ofSeconds(5)).until(() -> started.served() > before + 20);

      clients.stop();
      assertThat(clients.failed()).as("short clients that failed, of %d", clients.served()).isZero();
      for (Socket open : long1000) {
        TestClient.writeLine(open, "still here");
        assertThat(TestClient.readLine(open)).as("a long connection across both reloads").isEqualTo("still here");
      }
    } finally {
      if (clients != null) {
        clients.stop();
      }
      for (Socket open : long1000) {
        open.close();
      }
    }
    assertThat(steelyard.isAlive()).isTrue();
    assertThat(log()).contains("[NOTICE] reloaded: backend 'bk': server 's2' added")
        .contains("[ALERT] parsing [" + file + ":14] :");
    String info = UnixSocket.ask(socket, "show info\n");
    assertThat(info).contains("Reloads: 1\n").contains("Failed_reloads: 1\n")
        .containsPattern("Last_reload: failed: parsing \\[" + java.util.regex.Pattern.quote(file.toString()) + ":14\\]");
    assertThat(UnixSocket.ask(socket, "show stat\n")).contains("bk,s2,");
  }

  @Test
  void underSystemdItSaysWhenItIsReadyReloadingAndStopping() throws Exception {
    io.steelyard.lb.testing.Tools.require("socat");
    TestBackend s1 = backend("s1");
    InetSocketAddress front = TestBackend.refusingAddress();
    Path socket = dir.resolve("admin.sock");
    Path file = Files.writeString(dir.resolve("haproxy.cfg"), CONFIG.replace("SOCKET", socket.toString())
        .replace("FRONT", String.valueOf(front.getPort())) + "  server s1 " + s1.hostPort() + "\n");
    Path notify = dir.resolve("notify.sock");
    Process systemd = new ProcessBuilder("socat", "-u", "UNIX-RECV:" + notify, "-")
        .redirectErrorStream(true).redirectOutput(dir.resolve("notified.txt").toFile()).start();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(notify));
      ProcessBuilder launcher = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-jar", System.getProperty("steelyard.jar"), "-f", file.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("steelyard.log").toFile());
      launcher.environment().put("NOTIFY_SOCKET", notify.toString());
      steelyard = launcher.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> notified().contains("READY=1"));
      assertThat(answers(front)).as("ready means serving").isTrue();
      assertThat(notified()).contains("MAINPID=" + steelyard.pid());

      new ProcessBuilder("kill", "-USR2", String.valueOf(steelyard.pid())).start().waitFor(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10))
          .until(() -> notified().split("READY=1", -1).length - 1 == 2);
      assertThat(notified()).containsSubsequence("READY=1", "RELOADING=1", "READY=1");

      steelyard.destroy();
      assertThat(steelyard.waitFor(20, TimeUnit.SECONDS)).isTrue();
      await().atMost(Duration.ofSeconds(5)).until(() -> notified().contains("STOPPING=1"));
      assertThat(notified()).containsSubsequence("RELOADING=1", "READY=1", "STOPPING=1");
    } finally {
      systemd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private String notified() throws IOException {
    return Files.readString(dir.resolve("notified.txt"));
  }

  private TestBackend backend(String name) {
    TestBackend backend = TestBackend.greeting(name);
    backends.add(backend);
    return backend;
  }

  private static boolean answers(InetSocketAddress front) {
    try {
      return TestClient.whoAnswers(front, null) != null;
    } catch (IOException e) {
      return false;
    }
  }

  private String log() throws IOException {
    return Files.readString(dir.resolve("steelyard.log"));
  }
}
