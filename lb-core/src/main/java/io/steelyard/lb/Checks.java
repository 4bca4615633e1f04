package io.steelyard.lb;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The checks that builders share: ranges, timeouts, setters called once. Each names the
 * frontend or backend it belongs to ({@code proxy}, or {@code null}) and the setting ({@code
 * what}), so that the error says where and what.
 */
final class Checks {
  /** The longest timeout, HAProxy's limit of 2^31-1 ms (about 24.8 days). */
  static final Duration MAX_TIMEOUT = Duration.ofMillis(Integer.MAX_VALUE);

  private Checks() {}

  /** The most retries a backend may have. */
  static final int MAX_RETRIES = 100;

  /** A setting's own value, else the inherited one, else the fallback. */
  static <T> T first(@Nullable T own, @Nullable T inherited, T fallback) {
    return own != null ? own : inherited != null ? inherited : fallback;
  }

  /** A setting's own value, else the inherited one, else {@code null}: an optional setting. */
  static <T> @Nullable T firstOrNull(@Nullable T own, @Nullable T inherited) {
    return own != null ? own : inherited;
  }

  /** A positive duration of at most {@link #MAX_TIMEOUT}. */
  static Duration timeout(@Nullable String proxy, String what, @Nullable Duration value) {
    if (value != null && (value.isNegative() || value.isZero())) {
      throw new ConfigException(proxy, what + " must be > 0: " + value);
    }
    return timeoutOrNone(proxy, what, value);
  }

  /**
   * A duration of at most {@link #MAX_TIMEOUT}, or {@link Duration#ZERO} for no timeout at all,
   * as HAProxy reads {@code timeout server 0}.
   */
  static Duration timeoutOrNone(@Nullable String proxy, String what, @Nullable Duration value) {
    if (value == null) {
      throw new ConfigException(proxy, what + " must not be null");
    }
    if (value.isNegative()) {
      throw new ConfigException(proxy, what + " must be >= 0 (0 for none): " + value);
    }
    if (value.compareTo(MAX_TIMEOUT) > 0) {
      throw new ConfigException(proxy, what + " must be at most " + MAX_TIMEOUT + ": " + value);
    }
    return value;
  }

  static int range(@Nullable String proxy, String what, int value, int min, int max) {
    if (value < min || value > max) {
      throw new ConfigException(proxy, what + " must be " + min + " to " + max + ": " + value);
    }
    return value;
  }

  /** Fails when a single-valued setting is set a second time, as Caffeine's builders do. */
  static void unset(@Nullable String proxy, String what, @Nullable Object current) {
    if (current != null) {
      throw new ConfigException(proxy, what + " was already set to " + current);
    }
  }

  static String name(String kind, @Nullable String name) {
    if (name == null || name.isBlank()) {
      throw new ConfigException(kind + " name must not be empty: '" + name + "'");
    }
    return name;
  }
}
