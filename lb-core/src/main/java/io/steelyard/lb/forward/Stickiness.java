package io.steelyard.lb.forward;

import static java.util.Objects.requireNonNull;

import io.steelyard.lb.config.StickConfig;
import io.steelyard.lb.stick.StickTable;

/**
 * A backend's stick table and rules, HAProxy's {@code stick on src} (match and store), {@code
 * stick match src} (match only) and {@code stick store-request src} (store only: entries that no
 * rule reads, so nothing sticks).
 *
 * @param match whether a client found in the table goes to its stored server
 * @param store whether a client's server is stored once the connection to it is made
 */
record Stickiness(StickTable table, boolean match, boolean store) {
  Stickiness {
    requireNonNull(table, "table");
  }

  /** A new, empty table with {@code config}'s rules, or {@code null} when there is no config. */
  static Stickiness of(StickConfig config) {
    if (config == null) {
      return null;
    }
    return new Stickiness(
        StickTable.builder().size(config.size()).expire(config.expire()).build(),
        config.match(),
        config.store());
  }
}
