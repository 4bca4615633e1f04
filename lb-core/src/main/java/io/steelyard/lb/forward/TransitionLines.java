package io.steelyard.lb.forward;

import io.steelyard.lb.health.AdminState;
import io.steelyard.lb.health.CheckOutcome;

/**
 * The log lines HAProxy writes when a server changes state, word for word, so that what reads
 * HAProxy's logs reads these: {@code Server bk/s1 is DOWN, reason: Layer4 connection problem,
 * info: "Connection refused", check duration: 0ms. 1 active and 0 backup servers left. 0 sessions
 * active, 0 requeued, 0 remaining in queue.}
 */
final class TransitionLines {
  private TransitionLines() {}

  /**
   * The checks took the server down ({@code is DOWN}) or brought it up ({@code is UP}) with {@code
   * outcome}: its description, its code where its status has one, its info unless empty, and
   * {@code checkMillis} unless negative (live traffic took the server down).
   */
  static StringBuilder checked(
      String backend, String server, boolean up, CheckOutcome outcome, long checkMillis) {
    StringBuilder line =
        start(backend, server)
            .append(up ? " is UP, reason: " : " is DOWN, reason: ")
            .append(outcome.status().description());
    if (outcome.status().hasCode()) {
      line.append(", code: ").append(outcome.code());
    }
    if (!outcome.info().isEmpty()) {
      line.append(", info: \"");
      escape(line, outcome.info());
      line.append('"');
    }
    if (checkMillis >= 0) {
      line.append(", check duration: ").append(checkMillis).append("ms");
    }
    return line.append('.');
  }

  /** Appends {@code info} as HAProxy logs it: {@code <}, {@code >}, {@code "} and unprintables as {@code <XX>}. */
  private static void escape(StringBuilder line, String info) {
    for (int i = 0; i < info.length(); i++) {
      char c = info.charAt(i);
      if (c < ' ' || c > '~' || c == '<' || c == '>' || c == '"') {
        line.append('<').append(Character.toUpperCase(Character.forDigit(c >> 4 & 0xF, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16))).append('>');
      } else {
        line.append(c);
      }
    }
  }

  /**
   * An operator (or an agent) moved the server from {@code before} to {@code now}; {@code wasDown}
   * and {@code isDown} say whether its checks had it down before and have it down after.
   */
  static StringBuilder adminState(
      String backend,
      String server,
      AdminState before,
      AdminState now,
      boolean wasDown,
      boolean isDown) {
    String what;
    if (now == AdminState.MAINT) {
      what = wasDown ? " was DOWN and now enters maintenance." : " is going DOWN for maintenance.";
    } else if (before == AdminState.MAINT) {
      what = " is " + (isDown ? "DOWN" : "UP") + "/" + (now == AdminState.DRAIN ? "DRAIN" : "READY")
          + " (leaving forced maintenance).";
    } else if (now == AdminState.DRAIN) {
      what = " enters drain state.";
    } else {
      what = " is " + (isDown ? "DOWN" : "UP") + " (leaving forced drain).";
    }
    return start(backend, server).append(what);
  }

  /** An operator set the server's weight. */
  static String weight(String backend, String server, int weight) {
    return start(backend, server).append(" weight set to ").append(weight).append('.').toString();
  }

  /**
   * Appends the backend's tally after a change: servers left (after a server went down) or online
   * (after one came up), and the sessions and queue.
   */
  static StringBuilder tally(
      StringBuilder line, boolean down, int[] online, long sessions, long queued) {
    line.append(' ').append(online[0]).append(" active and ").append(online[1]);
    if (down) {
      return line.append(" backup servers left. ").append(sessions)
          .append(" sessions active, 0 requeued, ").append(queued).append(" remaining in queue.");
    }
    return line.append(" backup servers online. 0 sessions requeued, ").append(queued)
        .append(" total in queue.");
  }

  private static StringBuilder start(String backend, String server) {
    return new StringBuilder("Server ").append(backend).append('/').append(server);
  }
}
