package io.steelyard.vrrp.linux;

import io.steelyard.lb.testing.NetworkNamespace;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A {@link VrrpNodeMain} process in a network namespace, with its output lines collected as they
 * come. {@link #crash()} kills it with SIGKILL; {@link #close()} ends its standard input, so that
 * it stops gracefully, and kills it if it has not ended within 10 seconds.
 */
final class VrrpNode implements AutoCloseable {
  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();

  private VrrpNode(Process process) {
    this.process = process;
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        lines.add("(output lost: " + e.getMessage() + ")");
      }
    }, "vrrp-node-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts a node in {@code ns} with the main's arguments, as root with every capability. */
  static VrrpNode start(NetworkNamespace ns, String... args) throws Exception {
    return start(ns, List.of(), System.getProperty("java.class.path"), args);
  }

  /**
   * Starts a node in {@code ns} through {@code wrapper}, such as {@code setpriv ...}, from {@code
   * classpath}: a copy that the wrapper's user can read, when it switches to another.
   */
  static VrrpNode start(NetworkNamespace ns, List<String> wrapper, String classpath,
      String... args) throws Exception {
    List<String> command = new ArrayList<>(wrapper);
    command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "-cp", classpath,
        VrrpNodeMain.class.getName()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(ns.prefixed(command.toArray(new String[0])))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    return new VrrpNode(process);
  }

  /** Waits up to {@code limit} for a line starting with {@code prefix}; returns whether one came. */
  boolean awaitLine(Duration limit, String prefix) throws InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    while (lines.stream().noneMatch(l -> l.startsWith(prefix))) {
      if (System.nanoTime() - end > 0 || !process.isAlive() && !hasLine(prefix)) {
        return hasLine(prefix);
      }
      Thread.sleep(10);
    }
    return true;
  }

  /** The lines so far. */
  List<String> lines() {
    return List.copyOf(lines);
  }

  /** Whether it ended, and with which status, within {@code limit}. */
  boolean exitedWithin(Duration limit) throws InterruptedException {
    return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** SIGKILL: no priority-0 advert, the address left where it is, as on a dead host. */
  void crash() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    process.getOutputStream().close();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }

  private boolean hasLine(String prefix) {
    return lines.stream().anyMatch(l -> l.startsWith(prefix));
  }
}
