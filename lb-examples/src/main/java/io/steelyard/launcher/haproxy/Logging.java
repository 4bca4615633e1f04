package io.steelyard.launcher.haproxy;

import io.steelyard.launcher.ConfigLine;
import io.steelyard.launcher.Diagnostics;

/**
 * HAProxy's logging keywords, which real files are full of and which Steelyard accepts with a
 * notice each: it does not send syslog, it logs every finished connection, one line each in
 * HAProxy's {@code option tcplog} format, on the SLF4J logger {@code io.steelyard.lb.traffic}.
 * Where those lines go is the application's SLF4J set-up (the launcher's jar writes them to
 * stderr).
 *
 * <ul>
 *   <li>{@code log ADDRESS FACILITY [...]} (global and proxy sections) and {@code log global}
 *       (proxy sections): HAProxy's syslog targets. As in HAProxy, {@code log global} has no
 *       meaning in the {@code global} section.
 *   <li>{@code option tcplog}: the format Steelyard always logs in. HAProxy has no {@code no
 *       option tcplog}, nor does Steelyard.
 *   <li>{@code option dontlognull}, {@code no option dontlognull}: HAProxy leaves out
 *       connections that sent no data; Steelyard logs every connection, those too.
 * </ul>
 */
final class Logging {
  private static final String SYSLOG = "it logs through SLF4J, set up by the application";
  private static final String TRAFFIC = "on the logger io.steelyard.lb.traffic";

  private Logging() {}

  /**
   * Reads a {@code log} line.
   *
   * @param global whether it is in the {@code global} section, where {@code log global} is an
   *     error
   */
  static void log(ConfigLine line, boolean global, Diagnostics diagnostics) {
    if (line.arguments() == 1 && line.word(1).equals("global")) {
      if (global) {
        throw new IllegalArgumentException(
            "'global' is not supported for a global syslog server.");
      }
      diagnostics.ignored(line, "'log global'", SYSLOG);
      return;
    }
    if (line.arguments() < 2) {
      throw new IllegalArgumentException(
          "'log' expects <address> and <facility> " + (global ? "" : "or global ")
              + "as arguments.");
    }
    diagnostics.ignored(line, "'log'", SYSLOG);
  }

  /** Whether {@code option} is a logging option that this class reads. */
  static boolean isOption(String option) {
    return option.equals("tcplog") || option.equals("dontlognull");
  }

  /**
   * Reads {@code option tcplog} or {@code [no] option dontlognull}, the option's name being word
   * {@code at} of {@code line}.
   *
   * @param enable {@code false} after {@code no}
   */
  static void option(ConfigLine line, int at, boolean enable, Diagnostics diagnostics) {
    String option = line.word(at);
    String written = (enable ? "" : "no ") + "option " + option;
    if (option.equals("tcplog") && !enable) {
      throw new IllegalArgumentException(
          "negation/default is not supported for option 'tcplog'.");
    }
    line.expect(at + 1, 0, "no argument");
    diagnostics.ignored(
        line,
        "'" + written + "'",
        option.equals("tcplog")
            ? "it always logs each connection in HAProxy's tcplog format " + TRAFFIC
            : "it logs every connection, those without data too, " + TRAFFIC);
  }
}
