package io.steelyard.lb;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * This JVM's open-file limit lowered so that it can make no new pair of file descriptors (as a
 * pipe needs) until {@link #close()} puts it back: a way to make a splice fail before its first
 * byte. The limit is changed with {@code prlimit} by a shell started beforehand, because starting
 * a process takes file descriptors too.
 */
final class FileLimitLowered implements AutoCloseable {
  private final Process shell;
  private final Writer requests;
  private final BufferedReader replies;

  private FileLimitLowered(Process shell) {
    this.shell = shell;
    this.requests = new OutputStreamWriter(shell.getOutputStream(), StandardCharsets.US_ASCII);
    this.replies =
        new BufferedReader(new InputStreamReader(shell.getInputStream(), StandardCharsets.US_ASCII));
  }

  /**
   * Lowers the soft limit to the lowest descriptor number not in use: at most one descriptor below
   * it is free afterwards (the one the listing of {@code /proc/self/fd} used), so a pipe fails with
   * EMFILE.
   */
  static FileLimitLowered toOpenFiles() throws IOException {
    long pid = ProcessHandle.current().pid();
    String[] limits = limits();
    String script =
        "read n; prlimit --pid " + pid + " --nofile=$n:" + limits[1] + " && echo lowered; "
            + "read x; prlimit --pid " + pid + " --nofile=" + limits[0] + ":" + limits[1]
            + " && echo restored";
    FileLimitLowered lowered =
        new FileLimitLowered(new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start());
    lowered.ask(lowestFreeDescriptor() + "\n", "lowered");
    return lowered;
  }

  @Override
  public void close() throws IOException {
    try {
      ask("\n", "restored");
      shell.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while restoring the open-file limit", e);
    }
  }

  private void ask(String request, String expected) throws IOException {
    requests.write(request);
    requests.flush();
    String reply = replies.readLine();
    if (!expected.equals(reply)) {
      throw new IOException("prlimit did not answer '" + expected + "' but '" + reply + "'");
    }
  }

  /** The soft and hard open-file limits, as prlimit takes them. */
  private static String[] limits() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
      if (line.startsWith("Max open files")) {
        String[] fields = line.substring("Max open files".length()).trim().split("\\s+");
        return new String[] {fields[0], fields[1]};
      }
    }
    throw new IOException("no 'Max open files' in /proc/self/limits");
  }

  private static int lowestFreeDescriptor() throws IOException {
    String[] names = new File("/proc/self/fd").list();
    if (names == null) {
      throw new IOException("cannot list /proc/self/fd");
    }
    Set<Integer> used = new HashSet<>();
    for (String name : names) {
      used.add(Integer.parseInt(name));
    }
    int lowest = 0;
    while (used.contains(lowest)) {
      lowest++;
    }
    return lowest;
  }
}
