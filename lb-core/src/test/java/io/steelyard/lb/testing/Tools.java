package io.steelyard.lb.testing;

import java.io.File;
import org.opentest4j.TestAbortedException;

/**
 * The programs that tests run for real: the ones an operator uses on a stats socket (socat, hatop,
 * tmux) and the servers that checks talk to (redis-server, PostgreSQL, MariaDB). A test skips
 * without them, except in CI ({@code CI=true}), where it fails (.ci/run installs them).
 */
public final class Tools {
  private Tools() {}

  public static void require(String... tools) {
    for (String tool : tools) {
      if (!onPath(tool)) {
        String reason = "this test runs '" + tool + "', which is not installed";
        if ("true".equals(System.getenv("CI"))) {
          throw new AssertionError(reason + " — CI must provide it (.ci/run installs it)");
        }
        throw new TestAbortedException(reason);
      }
    }
  }

  /** Whether {@code tool} is a program on the PATH, or an absolute path to one. */
  public static boolean onPath(String tool) {
    if (tool.startsWith("/")) {
      return new File(tool).canExecute();
    }
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
      if (new File(dir, tool).canExecute()) {
        return true;
      }
    }
    return false;
  }
}
