package io.steelyard.lb.cli;

import java.io.File;
import org.opentest4j.TestAbortedException;

/**
 * The programs an operator uses on a stats socket (socat, hatop, tmux), which the tests run for
 * real: a test skips without them, except in CI ({@code CI=true}), where it fails (.ci/run installs
 * them).
 */
final class Tools {
  private Tools() {}

  static void require(String... tools) {
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

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
      if (new File(dir, tool).canExecute()) {
        return true;
      }
    }
    return false;
  }
}
