package io.steelyard.lb.testing;

import java.io.File;
import java.lang.reflect.AnnotatedElement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * Runs {@link Privileged} tests only as root with their tools present: skips otherwise, and fails
 * instead when {@code CI=true}.
 */
final class PrivilegedCondition implements BeforeAllCallback, BeforeEachCallback {

  @Override
  public void beforeAll(ExtensionContext context) {
    check(context.getRequiredTestClass());
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    check(context.getRequiredTestMethod());
  }

  private static void check(AnnotatedElement element) {
    Privileged privileged = element.getAnnotation(Privileged.class);
    if (privileged == null) {
      return;
    }
    List<String> missing = new ArrayList<>();
    if (!root()) {
      missing.add("root (runs as " + System.getProperty("user.name") + ")");
    }
    for (String tool : privileged.tools()) {
      if (!onPath(tool)) {
        missing.add("the command '" + tool + "'");
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    String reason = "privileged test needs " + String.join(", ", missing);
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError(reason + " — CI must provide it (.ci/run installs the tools)");
    }
    throw new TestAbortedException(reason);
  }

  /** Whether the effective user id is 0, from /proc/self/status. */
  private static boolean root() {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[2].equals("0");
        }
      }
    } catch (java.io.IOException e) {
      return false;
    }
    return false;
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (new File(dir, tool).canExecute()) {
        return true;
      }
    }
    for (String dir : new String[] {"/usr/sbin", "/sbin"}) {
      if (new File(dir, tool).canExecute()) {
        return true;
      }
    }
    return false;
  }
}
