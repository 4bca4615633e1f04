package io.steelyard.launcher;

import io.steelyard.lb.testing.NetworkNamespace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a test topology started: its network namespaces and its processes, each process writing
 * to a log file. {@link #close()} kills the processes, then deletes the namespaces, last created
 * first, whatever failed before.
 */
final class Teardown implements AutoCloseable {
  private final List<NetworkNamespace> namespaces = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();

  /** Creates a namespace ({@link NetworkNamespace#create}) to be deleted at close. */
  synchronized NetworkNamespace namespace(String prefix) throws IOException, InterruptedException {
    NetworkNamespace namespace = NetworkNamespace.create(prefix);
    namespaces.add(namespace);
    return namespace;
  }

  /** Starts {@code process}, its output and errors into {@code log}, to be killed at close. */
  synchronized Process start(ProcessBuilder process, Path log) throws IOException {
    Process started = process.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    processes.add(started);
    return started;
  }

  @Override
  public synchronized void close() throws IOException, InterruptedException {
    for (Process process : processes) {
      process.destroyForcibly();
    }
    for (Process process : processes) {
      process.waitFor(10, TimeUnit.SECONDS);
    }
    IOException failed = null;
    for (int i = namespaces.size() - 1; i >= 0; i--) {
      try {
        namespaces.get(i).close();
      } catch (IOException e) {
        failed = e;
      }
    }
    if (failed != null) {
      throw failed;
    }
  }
}
