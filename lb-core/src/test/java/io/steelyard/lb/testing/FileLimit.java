package io.steelyard.lb.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Raises this JVM's open-file limit for tests that hold many sockets. */
public final class FileLimit {
  private FileLimit() {}

  /**
   * Raises this process's open-file limit towards {@code files} with {@code prlimit} (which needs
   * root with CAP_SYS_RESOURCE, or a hard limit that allows it) and returns the limit in force.
   */
  public static long raiseTowards(long files) throws IOException, InterruptedException {
    if (softLimit() < files) {
      long pid = ProcessHandle.current().pid();
      Process prlimit =
          new ProcessBuilder("prlimit", "--pid", Long.toString(pid), "--nofile=" + files + ":" + files)
              .redirectErrorStream(true)
              .start();
      prlimit.getInputStream().readAllBytes();
      prlimit.waitFor(10, TimeUnit.SECONDS);
    }
    return softLimit();
  }

  private static long softLimit() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
      if (line.startsWith("Max open files")) {
        String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
        return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
      }
    }
    throw new IOException("no 'Max open files' in /proc/self/limits");
  }

  /** The file descriptors this JVM holds open now. */
  public static long openNow() {
    String[] open = new java.io.File("/proc/self/fd").list();
    return open == null ? 0 : open.length;
  }
}
