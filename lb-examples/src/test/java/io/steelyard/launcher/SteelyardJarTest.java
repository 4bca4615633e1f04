package io.steelyard.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.TestClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar steelyard.jar} as an operator runs it: a separate process, started from the
 * shaded jar that the build makes (its path comes from the {@code steelyard.jar} system property).
 */
class SteelyardJarTest {
  private static Path jar;

  @TempDir Path dir;
  private final List<Process> started = new ArrayList<>();

  @BeforeAll
  static void findJar() throws IOException, URISyntaxException {
    String property = System.getProperty("steelyard.jar");
    assertThat(property).as("system property steelyard.jar (set by lb-examples/pom.xml)").isNotNull();
    jar = Path.of(property);
    assertThat(jar)
        .as("%s: these tests run the shaded jar, which the package phase makes; surefire must run"
            + " after it", jar)
        .exists();
    Path classes = Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    FileTime newestClass;
    try (Stream<Path> files = Files.walk(classes)) {
      newestClass = files.filter(Files::isRegularFile).map(SteelyardJarTest::modified)
          .max(FileTime::compareTo).orElseThrow();
    }
    assertThat(modified(jar))
        .as("%s is older than the classes in %s: package before running these tests", jar, classes)
        .isGreaterThanOrEqualTo(newestClass);
  }

  private static FileTime modified(Path path) {
    try {
      return Files.getLastModifiedTime(path);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void killLeftovers() throws InterruptedException {
    for (Process process : started) {
      if (process.isAlive()) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** Starts the jar with {@code args}; its output goes to files in the test's directory. */
  private Process java(String... args) throws IOException {
    return java(List.of(), args);
  }

  /** Starts the jar with {@code args} under the command {@code prefix}, such as {@code prlimit}. */
  private Process java(List<String> prefix, String... args) throws IOException {
    List<String> command = new ArrayList<>(prefix);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    return start(new ProcessBuilder(command));
  }

  /**
   * Starts lb-examples/bin/steelyard with {@code args}, on this JVM's java and the jar under test.
   */
  private Process script(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of("bin", "steelyard").toAbsolutePath().toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().put("STEELYARD_JAR", jar.toString());
    builder.environment().remove("JAVA_OPTS");
    return start(builder);
  }

  private Process start(ProcessBuilder builder) throws IOException {
    Process process =
        builder
            .redirectOutput(dir.resolve("out.txt").toFile())
            .redirectError(dir.resolve("err.txt").toFile())
            .start();
    started.add(process);
    return process;
  }

  private String out() throws IOException {
    return Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);
  }

  private String err() throws IOException {
    return Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private int exitStatus(Process process, Duration within) throws Exception {
    assertThat(process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS))
        .as("exits within %s; stdout:%n%s%nstderr:%n%s", within, out(), err())
        .isTrue();
    return process.exitValue();
  }

  @Test
  void runsAConfigurationFileAndStopsGracefullyOnSigterm() throws Exception {
    try (TestBackend s1 = TestBackend.greeting("s1");
        TestBackend s2 = TestBackend.greeting("s2")) {
      int port = freePort();
      Path cfg = Files.writeString(dir.resolve("haproxy.cfg"), """
          global
              maxconn 100
              daemon
          defaults
              mode tcp
              timeout connect 5s
              timeout client 30s
              timeout server 30s
          frontend ft
              bind 127.0.0.1:%d
              default_backend bk
          backend bk
              balance roundrobin
              server s1 %s
              server s2 %s
          """.formatted(port, s1.hostPort(), s2.hostPort()));
      Process steelyard = java("-f", cfg.toString());
      InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
      await().atMost(Duration.ofSeconds(20))
          .ignoreExceptions()
          .until(() -> TestClient.whoAnswers(address, null) != null);
      List<String> answers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        answers.add(TestClient.whoAnswers(address, null));
      }
      assertThat(answers).contains("s1", "s2");

      steelyard.destroy();
      assertThat(exitStatus(steelyard, Duration.ofSeconds(10))).isZero();
      assertThat(err())
          .contains(cfg + ":3 : 'daemon' does not apply to Steelyard")
          .contains("[NOTICE] frontend 'ft' listening on 127.0.0.1:" + port)
          .contains("[NOTICE] stopped");
    }
  }

  /**
   * The start script replaces itself with the JVM (so the process it started is the balancer,
   * which a signal stops), and that JVM runs on the options sized for the file's maxconn.
   */
  @Test
  void theStartScriptRunsTheBalancerOnOptionsSizedForTheFile() throws Exception {
    try (TestBackend s1 = TestBackend.greeting("s1")) {
      int port = freePort();
      Path cfg = oneServerFile("maxconn 1000", port, s1);
      Process steelyard = script("-f", cfg.toString());
      InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
      await().atMost(Duration.ofSeconds(20))
          .ignoreExceptions()
          .until(() -> "s1".equals(TestClient.whoAnswers(address, null)));

      String commandLine =
          Files.readString(Path.of("/proc", String.valueOf(steelyard.pid()), "cmdline")).replace('\0', ' ');
      assertThat(commandLine)
          .contains("-Xms38m -Xmx38m -Xmn12m -XX:+UseSerialGC -XX:MaxDirectMemorySize=250m -jar " + jar);
      steelyard.destroy();
      assertThat(exitStatus(steelyard, Duration.ofSeconds(10))).isZero();
      assertThat(err()).contains("[NOTICE] stopped");
    }
  }

  @Test
  void stickOnSrcKeepsEachClientOnItsServerAcrossReconnects() throws Exception {
    try (TestBackend s1 = TestBackend.greeting("s1");
        TestBackend s2 = TestBackend.greeting("s2")) {
      int port = freePort();
      Path cfg = Files.writeString(dir.resolve("haproxy.cfg"), """
          defaults
              mode tcp
              timeout connect 5s
              timeout client 30s
              timeout server 30s
          frontend ft
              bind 127.0.0.1:%d
              default_backend bk
          backend bk
              balance roundrobin
              stick-table type ip size 1k expire 30m
              stick on src
              server s1 %s check inter 200
              server s2 %s check inter 200
          """.formatted(port, s1.hostPort(), s2.hostPort()));
      Process steelyard = java("-f", cfg.toString());
      InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
      // Clients 127.0.0.2 to 127.0.0.5: round robin spreads the first connection of each.
      Map<Integer, String> servers = new TreeMap<>();
      await().atMost(Duration.ofSeconds(20))
          .ignoreExceptions()
          .until(() -> TestClient.whoAnswers(address, TestClient.loopback(2)) != null);
      for (int client = 2; client <= 5; client++) {
        servers.put(client, TestClient.whoAnswers(address, TestClient.loopback(client)));
      }
      assertThat(servers.values()).contains("s1", "s2");
      // Round robin alone would alternate between a client's reconnections; each gets its server
      // back, while the checks (every 200 ms) run on.
      for (int client = 2; client <= 5; client++) {
        for (int reconnection = 1; reconnection <= 4; reconnection++) {
          assertThat(TestClient.whoAnswers(address, TestClient.loopback(client)))
              .as("client 127.0.0.%d, reconnection %d", client, reconnection)
              .isEqualTo(servers.get(client));
        }
        Thread.sleep(100);
      }

      steelyard.destroy();
      assertThat(exitStatus(steelyard, Duration.ofSeconds(10))).isZero();
      assertThat(err()).doesNotContain("[WARNING]").doesNotContain("is DOWN");
    }
  }

  @Test
  void checkExits0ForAValidFile() throws Exception {
    Path cfg = Files.writeString(dir.resolve("haproxy.cfg"),
        "listen app\n  bind 127.0.0.1:0\n  timeout client 1s\n  timeout connect 1s\n"
            + "  timeout server 1s\n  server s1 127.0.0.1:1\n");
    assertThat(exitStatus(java("-c", "-f", cfg.toString()), Duration.ofSeconds(30))).isZero();
    assertThat(out()).isEqualTo("Configuration file is valid\n");
  }

  @Test
  void checkExits1WithTheErrorForAnInvalidFile() throws Exception {
    Path cfg = Files.writeString(dir.resolve("haproxy.cfg"),
        "listen app\n  bind 127.0.0.1:0\n  server s1 127.0.0.1:1\n  server s1 127.0.0.1:2\n");
    assertThat(exitStatus(java("-c", "-f", cfg.toString()), Duration.ofSeconds(30))).isEqualTo(1);
    assertThat(out()).isEmpty();
    assertThat(err())
        .contains("[ALERT] parsing [" + cfg + ":4] : proxy 'app', another server named 's1' was"
            + " already defined at line 3");
  }

  @Test
  void anUnknownOptionPrintsTheUsageAndExits1() throws Exception {
    assertThat(exitStatus(java("--frobnicate"), Duration.ofSeconds(30))).isEqualTo(1);
    assertThat(err()).contains("unknown option '--frobnicate'").contains("Usage: java -jar steelyard.jar");
  }

  @Test
  void theDemoRunsWithoutArgumentsAndExits0() throws Exception {
    assertThat(exitStatus(java(), Duration.ofSeconds(60))).isZero();
    assertThat(out())
        .contains("Steelyard demo")
        .contains("s1      UP")
        .contains("s3      UP")
        .contains(", 0 failed;")
        .contains("Stopped the clients, the balancer and the servers.");
  }

  /**
   * Without a global maxconn, the descriptor limit sets one, as HAProxy derives it: the clients over
   * it wait in the accept queue instead of being accepted and cut for want of a server socket, and
   * {@code show info} tells the figures. Run with {@code ulimit -n 400}.
   */
  @Test
  void derivesMaxconnFromTheDescriptorLimit() throws Exception {
    List<Socket> clients = new ArrayList<>();
    try (TestBackend s1 = TestBackend.greeting("s1")) {
      Path socket = dir.resolve("admin.sock");
      InetSocketAddress address =
          startUnderFileLimit(400, "stats socket " + socket + " level admin", s1);
      String info = showInfo(socket);
      assertThat(info).contains("Ulimit-n: 400\n");
      int maxConn = Integer.parseInt(info.replaceAll("(?s).*\nMaxconn: (\\d+)\n.*", "$1"));
      assertThat(maxConn).as("maxconn derived from 400 descriptors").isBetween(101, 199);

      connect(address, maxConn + 60, clients);
      Thread.sleep(1_000);
      int served = 0;
      int waiting = 0;
      for (Socket client : clients) {
        client.setSoTimeout(50);
        try {
          assertThat(TestClient.readLine(client)).isEqualTo("s1");
          served++;
        } catch (java.net.SocketTimeoutException e) {
          waiting++;
        }
      }
      // A listener told to pause by another event loop may finish its read: 16 accepts each.
      assertThat(served).as("clients served of %d, maxconn %d", clients.size(), maxConn)
          .isBetween(maxConn, maxConn + 2 * 16);
      assertThat(waiting).isEqualTo(clients.size() - served);
      assertThat(err()).doesNotContain("Too many open files").doesNotContain("\tat ");
    } finally {
      for (Socket client : clients) {
        client.close();
      }
    }
  }

  /**
   * A configured maxconn that the descriptor limit cannot hold is warned about at start, as HAProxy
   * does; at the limit, the listener pauses and says so in one line, without a stack trace, and
   * the clients over it wait until descriptors are free again.
   */
  @Test
  void runsOutOfDescriptorsQuietlyAndRecovers() throws Exception {
    List<Socket> clients = new ArrayList<>();
    try (TestBackend s1 = TestBackend.greeting("s1")) {
      InetSocketAddress address = startUnderFileLimit(200, "maxconn 500", s1);
      assertThat(err()).contains("FD limit (200) too low for maxconn=500");

      connect(address, 150, clients);
      Thread.sleep(1_500);
      List<Socket> waiting = new ArrayList<>();
      for (Socket client : clients) {
        client.setSoTimeout(50);
        try {
          assertThat(TestClient.readLine(client)).isEqualTo("s1");
        } catch (java.net.SocketTimeoutException e) {
          waiting.add(client);
        } catch (IOException e) {
          // Accepted with the last descriptors, it found none for its server: closed, as HAProxy's.
          assertThat(e).hasMessage("connection closed after ''");
        }
      }
      assertThat(waiting).as("clients left waiting for want of descriptors").isNotEmpty();
      for (Socket client : clients) {
        if (!waiting.contains(client)) {
          client.close();
        }
      }
      int recovered = 0;
      for (Socket client : waiting) {
        client.setSoTimeout(10_000);
        try {
          assertThat(TestClient.readLine(client)).isEqualTo("s1");
          recovered++;
        } catch (IOException e) {
          // accepted before, it ran out of connect retries while no descriptor was free
          assertThat(e).hasMessage("connection closed after ''");
        }
      }
      assertThat(recovered).as("waiting clients served once descriptors are free").isPositive();
      assertThat(err()).contains("cannot accept: ").doesNotContain("\tat ");
    } finally {
      for (Socket client : clients) {
        client.close();
      }
    }
  }

  /** haproxy.cfg with {@code global} (one line), one frontend on {@code port} and one server. */
  private Path oneServerFile(String global, int port, TestBackend server) throws IOException {
    return Files.writeString(dir.resolve("haproxy.cfg"), """
        global
            %s
        defaults
            mode tcp
            timeout connect 5s
            timeout client 30s
            timeout server 30s
        frontend ft
            bind 127.0.0.1:%d
            default_backend bk
        backend bk
            server s1 %s
        """.formatted(global, port, server.hostPort()));
  }

  /**
   * Runs the jar under {@code prlimit --nofile=LIMIT:LIMIT} on a one-server file whose global
   * section holds {@code global}; returns where it listens, once it answers.
   */
  private InetSocketAddress startUnderFileLimit(int limit, String global, TestBackend server)
      throws Exception {
    int port = freePort();
    Path cfg = oneServerFile(global, port, server);
    java(List.of("prlimit", "--nofile=" + limit + ":" + limit), "-f", cfg.toString());
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    await().atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(() -> TestClient.whoAnswers(address, null) != null);
    return address;
  }

  /** Opens {@code count} connections to {@code address}, added to {@code clients}. */
  private static void connect(InetSocketAddress address, int count, List<Socket> clients)
      throws IOException {
    for (int i = 0; i < count; i++) {
      Socket client = new Socket();
      clients.add(client);
      client.connect(address, 5_000);
    }
  }

  private static String showInfo(Path socket) throws IOException {
    try (java.nio.channels.SocketChannel channel =
        java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(socket))) {
      channel.write(StandardCharsets.US_ASCII.encode("show info\n"));
      java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
      java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(8192);
      while (channel.read(buffer) > 0) {
        answer.write(buffer.array(), 0, buffer.position());
        buffer.clear();
      }
      return answer.toString(StandardCharsets.US_ASCII);
    }
  }
}
