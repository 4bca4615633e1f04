package io.steelyard.launcher.haproxy;

import io.steelyard.launcher.ConfigLine;
import io.steelyard.launcher.Diagnostics;
import io.steelyard.lb.log.LogFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * The logging lines of a section, as HAProxy reads them, and the connection log they make.
 *
 * <ul>
 *   <li>{@code log <target> ...} (global, defaults and proxy sections): a target, see {@link
 *       LogTarget}. A proxy logs to its {@code defaults} section's targets and to its own.
 *   <li>{@code log global} (defaults and proxy sections): the {@code global} section's targets
 *       too. As in HAProxy, it has no meaning in {@code global}.
 *   <li>{@code no log}: none of the targets inherited from {@code defaults}.
 *   <li>{@code option tcplog}: the line's format, HAProxy's tcplog; {@code log-format <string>}:
 *       a format of its own in HAProxy's language, the TCP variables of {@link LogFormat}. The last
 *       of the two in a section wins, and a proxy without either takes its {@code defaults}
 *       section's. A proxy that logs without any gets a notice and tcplog lines (HAProxy would
 *       write its short connection line).
 *   <li>{@code [no] option dontlognull}: leaves out the connections whose client sent nothing.
 * </ul>
 *
 * <p>Without any target, nothing is logged per connection, as in HAProxy. Connection lines are at
 * level {@code info}; {@code log-tag} in {@code global} names the program in the syslog header
 * ({@code steelyard} by default: set {@code log-tag haproxy} for rules written for HAProxy's).
 */
final class Logging {
  private final List<LogTarget> targets = new ArrayList<>();
  private boolean global;
  private boolean none;
  private LogFormat format;

  /**
   * Reads a {@code log} line.
   *
   * @param inGlobal whether it is in the {@code global} section, where {@code log global} is an
   *     error
   */
  void log(ConfigLine line, boolean inGlobal) {
    if (line.arguments() == 1 && line.word(1).equals("global")) {
      if (inGlobal) {
        throw new IllegalArgumentException(
            "'global' is not supported for a global syslog server.");
      }
      global = true;
      return;
    }
    if (line.arguments() < 2) {
      throw new IllegalArgumentException(
          "'log' expects <address> and <facility> " + (inGlobal ? "" : "or global ")
              + "as arguments.");
    }
    targets.add(LogTarget.parse(line));
  }

  /** Reads {@code no log}: the inherited targets are dropped. */
  void noLog(ConfigLine line) {
    line.expect(2, 0, "no argument");
    none = true;
  }

  /**
   * Reads {@code option tcplog}, the option's name being word {@code at} of {@code line}; {@code
   * dontlognull} is a frontend setting of its section.
   */
  void tcplog(ConfigLine line, int at, boolean enable) {
    if (!enable) {
      throw new IllegalArgumentException(
          "negation/default is not supported for option 'tcplog'.");
    }
    line.expect(at + 1, 0, "no argument");
    format = LogFormat.TCPLOG;
  }

  /** Reads {@code log-format <string>}. */
  void logFormat(ConfigLine line) {
    if (line.arguments() == 0) {
      throw new IllegalArgumentException("log-format expects an argument.");
    }
    if (line.arguments() > 1) {
      throw new IllegalArgumentException(
          "log-format expects only one argument, don't forget to escape spaces!");
    }
    format = LogFormat.parse(line.word(1));
  }

  /**
   * The targets in force for a section with these lines, whose {@code defaults} section has
   * {@code inherited} in force, and whose {@code global} section has {@code globalTargets}.
   */
  List<LogTarget> targets(List<LogTarget> inherited, List<LogTarget> globalTargets) {
    List<LogTarget> all = new ArrayList<>();
    if (!none) {
      all.addAll(inherited);
    }
    if (global) {
      all.addAll(globalTargets);
    }
    all.addAll(targets);
    return all;
  }

  /** The global section's own targets. */
  List<LogTarget> own() {
    return targets;
  }

  /**
   * The line format of this section ({@code option tcplog} or {@code log-format}), or else of its
   * {@code defaults}, or {@code null}.
   */
  LogFormat format(Logging inherited) {
    return format != null ? format : inherited == null ? null : inherited.format;
  }

  /** A notice for a proxy that logs without {@code option tcplog} or {@code log-format}. */
  static void noFormat(ConfigLine header, String title, Diagnostics diagnostics) {
    diagnostics.notice(header, title + " logs without 'option tcplog' or 'log-format': Steelyard"
        + " writes HAProxy's tcplog line for each connection (HAProxy would write its short"
        + " connection line)");
  }
}
