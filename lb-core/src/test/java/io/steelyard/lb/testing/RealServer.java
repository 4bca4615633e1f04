package io.steelyard.lb.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Redis, PostgreSQL or MariaDB server from Debian's packages, on a loopback port with its
 * data in a temporary directory, for the checks that speak their protocols. {@link #pause()} stops
 * the process (SIGSTOP): the kernel still accepts connections for it, but nothing answers, as a
 * hung server. Closing kills it and removes its directory. Without the package the test skips,
 * except in CI, where it fails ({@link Tools}).
 */
public final class RealServer implements AutoCloseable {
  private static final String POSTGRES = "/usr/lib/postgresql/15/bin/";
  private static final long START_MILLIS = 30_000;

  private final String name;
  private final Path dir;
  private final int port;
  private final Process process;

  private RealServer(String name, Path dir, int port, List<String> command) throws IOException {
    this.name = name;
    this.dir = dir;
    this.port = port;
    this.process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("output.log").toFile())
            .start();
    awaitPort();
  }

  /** redis-server without persistence. */
  public static RealServer redis() throws IOException {
    Tools.require("redis-server");
    Path dir = Files.createTempDirectory("redis");
    int port = TestBackend.refusingAddress().getPort();
    return new RealServer("redis-server", dir, port, List.of("redis-server", "--port",
        String.valueOf(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
        "--dir", dir.toString()));
  }

  /**
   * PostgreSQL 15 with its superuser {@code postgres}, which logs in from loopback without a
   * password, and a rule that rejects the user {@code nobody}, to stand for a refused login. Run
   * as the user {@code postgres} when the test runs as root, as PostgreSQL requires.
   */
  public static RealServer postgres() throws IOException, InterruptedException {
    Tools.require(POSTGRES + "postgres", "runuser");
    Path dir = Files.createTempDirectory("postgres");
    boolean root = isRoot();
    if (root) {
      run(List.of("chown", "postgres", dir.toString()));
    }
    run(asPostgres(root, List.of(POSTGRES + "initdb", "-D", dir.resolve("data").toString(),
        "-A", "trust", "-U", "postgres", "--no-sync")));
    Path rules = dir.resolve("data").resolve("pg_hba.conf");
    Files.writeString(rules, "host all nobody 127.0.0.1/32 reject\n" + Files.readString(rules));
    int port = TestBackend.refusingAddress().getPort();
    return new RealServer("postgres", dir, port, asPostgres(root, List.of(POSTGRES + "postgres",
        "-D", dir.resolve("data").toString(), "-p", String.valueOf(port), "-k", dir.toString(),
        "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off")));
  }

  /**
   * MariaDB with the user {@code haproxy}, without a password or privilege, for {@code 127.0.0.1};
   * every warning in its error log ({@code log_warnings=4}), aborted connections included.
   */
  public static RealServer mariadb() throws IOException, InterruptedException {
    Tools.require("mariadbd", "mariadb-install-db", "mariadb");
    Path dir = Files.createTempDirectory("mariadb");
    run(List.of("mariadb-install-db", "--no-defaults", "--datadir=" + dir.resolve("data"),
        "--user=" + System.getProperty("user.name"), "--auth-root-authentication-method=normal",
        "--skip-test-db"));
    int port = TestBackend.refusingAddress().getPort();
    RealServer server = new RealServer("mariadbd", dir, port, List.of("mariadbd", "--no-defaults",
        "--datadir=" + dir.resolve("data"), "--socket=" + dir.resolve("socket"),
        "--port=" + port, "--bind-address=127.0.0.1", "--user=" + System.getProperty("user.name"),
        "--log-error=" + dir.resolve("error.log"), "--log-warnings=4", "--skip-log-bin",
        "--innodb-buffer-pool-size=16M"));
    server.sql("CREATE USER 'haproxy'@'127.0.0.1'");
    return server;
  }

  /** Runs {@code statement} as MariaDB's root, through its socket; returns what it printed. */
  public String sql(String statement) throws IOException, InterruptedException {
    return run(List.of("mariadb", "--no-defaults", "-uroot", "--socket=" + dir.resolve("socket"),
        "-N", "-e", statement));
  }

  /** MariaDB's error log so far. */
  public String errorLog() throws IOException {
    Path log = dir.resolve("error.log");
    return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  /** {@code 127.0.0.1:PORT}, as a server line takes it. */
  public String hostPort() {
    return "127.0.0.1:" + port;
  }

  /**
   * Stops the server's processes (SIGSTOP): connections are still accepted, by the kernel, and
   * nothing answers.
   */
  public void pause() throws IOException, InterruptedException {
    signal("-STOP");
  }

  /** Lets paused processes go on (SIGCONT). */
  public void resume() throws IOException, InterruptedException {
    signal("-CONT");
  }

  /**
   * Sends {@code signal} to the server and its children; a child that ended meanwhile (a
   * PostgreSQL backend of a check that just closed) is not an error.
   */
  private void signal(String signal) throws IOException, InterruptedException {
    run(List.of("kill", signal, String.valueOf(process.pid())));
    for (ProcessHandle child : process.toHandle().descendants().toList()) {
      new ProcessBuilder("kill", signal, String.valueOf(child.pid())).start().waitFor();
    }
  }

  private void awaitPort() throws IOException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_MILLIS);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        break;
      }
      try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException e) {
        sleep(50);
      }
    }
    String output = Files.readString(dir.resolve("output.log"), StandardCharsets.ISO_8859_1);
    close();
    throw new IOException(name + " did not listen on port " + port + ": " + output);
  }

  @Override
  public void close() throws IOException {
    List<ProcessHandle> all = new ArrayList<>(process.toHandle().descendants().toList());
    all.add(process.toHandle());
    all.forEach(ProcessHandle::destroyForcibly); // SIGKILL ends a stopped process too
    for (ProcessHandle handle : all) {
      try {
        handle.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // A process that outlives SIGKILL for 10 s is the system's to reap.
      }
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  private static List<String> asPostgres(boolean root, List<String> command) {
    if (!root) {
      return command;
    }
    List<String> as = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
    as.addAll(command);
    return as;
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** Runs {@code command} to its end (60 s at most); fails with its output unless it exits 0. */
  private static String run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException(command + " did not end in 60 s");
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      throw new IOException(command + " exited " + process.exitValue() + ": " + output);
    }
    return output;
  }


  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
