package io.steelyard.vrrp.script;

import static java.util.Objects.requireNonNull;

import io.steelyard.vrrp.state.Track;
import java.time.Duration;
import java.util.List;

/**
 * An external script tracked as a check, keepalived's {@code vrrp_script}: run every {@code
 * interval}, killed when it runs longer than {@code timeout}, and a success when it exits 0 (a
 * kill, a signal or another status is a failure). Its results count as those of {@link Track}:
 * {@code rise} successes in a row bring it up, {@code fall} failures take it down, and the weight
 * says whether down means Fault (0) or a priority change.
 *
 * @param name the name the instance knows the check by
 * @param command the program and its arguments, run without a shell
 * @param interval how often it runs, at least 1 ms (keepalived: whole seconds, default 1 s)
 * @param timeout how long a run may take, at least 1 ms (keepalived's default: the interval)
 * @param weight -253 to 253, see {@link Track}
 * @param rise successes in a row that bring the check up, at least 1
 * @param fall failures in a row that take it down, at least 1
 */
public record ScriptTrack(
    String name, List<String> command, Duration interval, Duration timeout, int weight, int rise,
    int fall) {

  /** Checks the values. */
  public ScriptTrack {
    requireNonNull(name, "name");
    command = List.copyOf(requireNonNull(command, "command"));
    requireNonNull(interval, "interval");
    requireNonNull(timeout, "timeout");
    if (command.isEmpty() || command.get(0).isEmpty()) {
      throw new IllegalArgumentException("script '" + name + "': the command is empty");
    }
    if (interval.toMillis() < 1) {
      throw new IllegalArgumentException(
          "script '" + name + "': interval must be at least 1 ms: " + interval);
    }
    if (timeout.toMillis() < 1) {
      throw new IllegalArgumentException(
          "script '" + name + "': timeout must be at least 1 ms: " + timeout);
    }
    new Track(name, weight, rise, fall); // checks the name, weight, rise and fall
  }

  /**
   * A script with keepalived's defaults: every second, timeout the interval, weight 0, rise 1,
   * fall 1.
   */
  public static ScriptTrack of(String name, List<String> command) {
    return new ScriptTrack(name, command, Duration.ofSeconds(1), Duration.ofSeconds(1), 0, 1, 1);
  }

  /** The tracked check the instance counts this script's results with. */
  public Track track() {
    return new Track(name, weight, rise, fall);
  }
}
