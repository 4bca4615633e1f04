package io.steelyard.vrrp.state;

import static java.util.Objects.requireNonNull;

/**
 * A check the instance tracks, with keepalived's {@code vrrp_script} semantics: results come in
 * through {@link VrrpMachine#trackResult}; {@code fall} failures in a row take the check down,
 * {@code rise} successes in a row bring it up, and its very first result decides at once.
 *
 * <p>What a check does to the instance depends on its weight:
 *
 * <ul>
 *   <li>weight 0: down means {@link State#FAULT}; the instance also stays in Fault from start
 *       until the check's first success;
 *   <li>weight above 0: up adds the weight to the priority;
 *   <li>weight below 0: down subtracts its magnitude from the priority.
 * </ul>
 *
 * <p>The effective priority is the configured one plus those contributions, kept within 1 to 254;
 * the address owner (priority 255) ignores weights.
 *
 * @param name the check's name, unique within the instance
 * @param weight -253 to 253
 * @param rise successes in a row that bring the check up, at least 1
 * @param fall failures in a row that take it down, at least 1
 */
public record Track(String name, int weight, int rise, int fall) {
  /** The widest weight keepalived accepts for a {@code vrrp_script}. */
  public static final int MAX_WEIGHT = 253;

  /** Checks the ranges. */
  public Track {
    requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("track name must not be empty");
    }
    if (weight < -MAX_WEIGHT || weight > MAX_WEIGHT) {
      throw new IllegalArgumentException(
          "track '" + name + "': weight must be -253 to 253: " + weight);
    }
    if (rise < 1) {
      throw new IllegalArgumentException("track '" + name + "': rise must be at least 1: " + rise);
    }
    if (fall < 1) {
      throw new IllegalArgumentException("track '" + name + "': fall must be at least 1: " + fall);
    }
  }

  /** A check whose every result counts: rise 1, fall 1 (keepalived's defaults). */
  public static Track of(String name, int weight) {
    return new Track(name, weight, 1, 1);
  }
}
