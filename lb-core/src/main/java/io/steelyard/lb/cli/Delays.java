package io.steelyard.lb.cli;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * HAProxy's time values on the CLI: digits and an optional unit, {@code us}, {@code ms}, {@code
 * s} (the default), {@code m}, {@code h} or {@code d}.
 */
final class Delays {
  private Delays() {}

  /** The delay {@code text} says, or {@code null} when it is not one. */
  static @Nullable Duration parse(String text) {
    int digits = 0;
    while (digits < text.length() && Character.isDigit(text.charAt(digits))) {
      digits++;
    }
    if (digits == 0 || digits > 9) {
      return null;
    }
    long value = Long.parseLong(text.substring(0, digits));
    switch (text.substring(digits)) {
      case "us":
        return Duration.ofNanos(value * 1000);
      case "ms":
        return Duration.ofMillis(value);
      case "":
      case "s":
        return Duration.ofSeconds(value);
      case "m":
        return Duration.ofMinutes(value);
      case "h":
        return Duration.ofHours(value);
      case "d":
        return Duration.ofDays(value);
      default:
        return null;
    }
  }
}
