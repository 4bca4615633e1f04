package io.steelyard.launcher;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A run of the launcher in this JVM, as a test sees it.
 *
 * @param status the exit status it returned
 * @param out what it printed on standard output
 * @param err what it printed on standard error
 */
record Launch(int status, String out, String err) {

  /** Runs the launcher with {@code args}, which must not start a balancer that runs on. */
  static Launch of(String... args) throws InterruptedException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Launcher.run(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            args);
    return new Launch(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
