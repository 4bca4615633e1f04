package io.steelyard.launcher.haproxy;

import io.steelyard.launcher.ConfigLine;
import io.steelyard.launcher.ConfigValues;
import io.steelyard.lb.config.TcpKeepAlive;
import java.time.Duration;

/**
 * One side's TCP keep-alive lines in a section, HAProxy's: {@code option clitcpka} (or {@code
 * srvtcpka}, or {@code tcpka} for both sides), {@code no option ...}, and the timings {@code
 * clitcpka-idle}, {@code clitcpka-intvl} ({@code <time>}, in seconds unless a unit follows) and
 * {@code clitcpka-cnt} ({@code <count>}), which apply only where the option is on. A section's lines
 * override its {@code defaults} section's one by one.
 */
final class KeepAliveLines {
  private Boolean enabled;
  private ConfigLine enabledAt;
  private Duration idle;
  private Duration interval;
  private Integer count;

  void option(ConfigLine line, boolean on) {
    enabled = on;
    enabledAt = line;
  }

  /** Reads {@code ...-idle}, {@code ...-intvl} or {@code ...-cnt}: which by its suffix. */
  void timing(ConfigLine line) {
    String keyword = line.keyword();
    if (keyword.endsWith("-cnt")) {
      line.expect(1, 1, "an integer argument");
      int value = ConfigValues.integer(keyword, line.word(1));
      check(keyword, () -> new TcpKeepAlive(null, null, value));
      count = value;
      return;
    }
    line.expect(1, 1, "a time (in seconds unless a unit follows: us, ms, s, m, h, d)");
    String text = line.word(1);
    Duration value = text.chars().allMatch(Character::isDigit)
        ? Duration.ofSeconds(ConfigValues.integer(keyword, text))
        : ConfigValues.time(keyword, text);
    if (keyword.endsWith("-idle")) {
      check(keyword, () -> new TcpKeepAlive(value, null, 0));
      idle = value;
    } else {
      check(keyword, () -> new TcpKeepAlive(null, value, 0));
      interval = value;
    }
  }

  private static void check(String keyword, Runnable make) {
    try {
      make.run();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + keyword + "': " + e.getMessage());
    }
  }

  /** These lines over {@code defaults}' (which may be {@code null}). */
  KeepAliveLines over(KeepAliveLines defaults) {
    if (defaults == null) {
      return this;
    }
    KeepAliveLines merged = new KeepAliveLines();
    merged.enabled = enabled != null ? enabled : defaults.enabled;
    merged.enabledAt = enabled != null ? enabledAt : defaults.enabledAt;
    merged.idle = idle != null ? idle : defaults.idle;
    merged.interval = interval != null ? interval : defaults.interval;
    merged.count = count != null ? count : defaults.count;
    return merged;
  }

  /** The line that turned keep-alive on, or {@code null} when it is off. */
  ConfigLine enabledAt() {
    return Boolean.TRUE.equals(enabled) ? enabledAt : null;
  }

  /** The settings, when keep-alive is on. */
  TcpKeepAlive settings() {
    return new TcpKeepAlive(idle, interval, count == null ? 0 : count);
  }
}
