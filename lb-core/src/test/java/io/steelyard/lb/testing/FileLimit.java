package io.steelyard.lb.testing;

import java.io.Closeable;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** This JVM's file descriptors: their limit, their count, the order in which numbers are given. */
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
    String[] open = new File("/proc/self/fd").list();
    return open == null ? 0 : open.length;
  }

  /**
   * Opens {@code /dev/null} until no number below the highest open descriptor is free, so that the
   * next descriptors this JVM opens get numbers in the order they are opened (the kernel gives the
   * lowest free one): then the socket opened after two were closed takes the first one's number,
   * and the socket after it the second's. Closing the result closes what was opened.
   */
  public static Closeable fillGaps() throws IOException {
    String[] open = new File("/proc/self/fd").list();
    int highest = Arrays.stream(open).mapToInt(Integer::parseInt).max().orElse(0);
    // The listing's own descriptor is among those it lists, and free again now.
    int gaps = highest + 1 - open.length + 1;
    List<FileInputStream> fillers = new ArrayList<>();
    for (int i = 0; i < gaps; i++) {
      fillers.add(new FileInputStream("/dev/null"));
    }
    return () -> {
      for (FileInputStream filler : fillers) {
        filler.close();
      }
    };
  }
}
