package io.steelyard.lb.cli;

import java.util.Locale;

/**
 * What a stats socket lets its clients do, HAProxy's {@code level}: each level may do what the
 * ones below it may. A command above the connection's level answers {@code Permission denied}
 * (some, as HAProxy's, answer nothing: see {@link StatsSocket}).
 */
public enum Level {
  /** Read-only: statistics and the process information, without stick-table contents. */
  USER,
  /** Also stick-table contents and clearing entries; HAProxy's default level. */
  OPERATOR,
  /** Also changes of servers: state, weight, sessions shut down. */
  ADMIN;

  /** The level HAProxy calls {@code keyword}: {@code user}, {@code operator} or {@code admin}. */
  public static Level of(String keyword) {
    switch (keyword) {
      case "user":
        return USER;
      case "operator":
        return OPERATOR;
      case "admin":
        return ADMIN;
      default:
        throw new IllegalArgumentException(
            "unknown stats socket level '" + keyword + "' (expected user, operator or admin)");
    }
  }

  /** The keyword, as {@code show cli level} prints it. */
  String keyword() {
    return name().toLowerCase(Locale.ROOT);
  }
}
