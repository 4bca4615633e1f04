package io.steelyard.launcher;

import java.io.PrintStream;

/**
 * Turns SIGTERM and SIGINT (Ctrl-C) into a graceful stop: the JVM runs the stop action in a
 * shutdown hook, then ends with status 0, since a stop that was asked for and done is a success,
 * instead of the 143 or 130 of a process killed by the signal (which HAProxy 2.6 reports). If the
 * action fails, the status is 1.
 */
final class GracefulStop {
  private final Thread hook;

  private GracefulStop(Thread hook) {
    this.hook = hook;
  }

  /** Runs {@code stop} when a signal ends the JVM; its failure is reported on {@code err}. */
  static GracefulStop install(Runnable stop, PrintStream err) {
    Thread hook =
        new Thread(
            () -> {
              int status = 0;
              try {
                stop.run();
              } catch (RuntimeException e) {
                err.println("[ALERT] stopping failed: " + e);
                status = 1;
              }
              System.out.flush();
              err.flush();
              Runtime.getRuntime().halt(status);
            },
            "steelyard-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    return new GracefulStop(hook);
  }

  /**
   * Forgets the action, for a program that ended by itself. If a signal came meanwhile, the hook
   * is running already and ends the JVM.
   */
  void uninstall() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook has started: it runs the stop action (which finds everything stopped) and halts.
    }
  }
}
