package io.steelyard.launcher;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

/**
 * Numbers and times as HAProxy writes them, checked more strictly than HAProxy does.
 *
 * <p>Times are an integer and a unit: {@code us}, {@code ms}, {@code s}, {@code m}, {@code h},
 * {@code d}; no unit means milliseconds, as in HAProxy ({@code timeout client 50000} is 50 s).
 * There are no fractions: {@code 1.5s} is an error, {@code 1500} or {@code 1500ms} is meant.
 *
 * <p>Counts ({@code maxconn}, {@code retries}, {@code weight}, {@code rise}, ...) are plain
 * decimal integers. HAProxy reads them with {@code atol}, so {@code maxconn 10k} is silently 10
 * there and {@code maxconn abc} is 0; Steelyard refuses both. Sizes (a stick table's {@code size})
 * take HAProxy's binary suffixes instead: {@code k}, {@code m}, {@code g} (either case) multiply
 * by 2^10, 2^20 and 2^30, so {@code size 200k} is 204,800 entries, not 200,000 (HAProxy 2.6's
 * {@code parse_size_err()} in {@code src/tools.c}, which {@code stick-table size} uses). Ranges
 * are the builder's to check, so that its message names the limit.
 */
public final class ConfigValues {
  /** An IPv4 address as inet_pton(3) reads one: four decimal bytes, without leading zeros. */
  private static final Pattern IPV4 =
      Pattern.compile("(B\\.){3}B".replace("B", "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"));

  private ConfigValues() {}

  /**
   * {@code text} as an integer for {@code keyword}.
   *
   * @throws IllegalArgumentException when it is not a decimal integer that fits in an int
   */
  public static int integer(String keyword, String text) {
    if (!text.matches("[-+]?[0-9]+")) {
      throw new IllegalArgumentException(
          "'" + keyword + "' expects an integer argument (got '" + text + "').");
    }
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "'" + keyword + "' value '" + text + "' is out of range.", e);
    }
  }

  /**
   * {@code text} as a size for {@code keyword}: digits and at most one suffix, {@code k}, {@code m}
   * or {@code g} in either case, which multiply by 2^10, 2^20 and 2^30 as in HAProxy.
   *
   * @throws IllegalArgumentException naming the first character that does not fit, as HAProxy
   *     does, or when the size does not fit in an int
   */
  public static int size(String keyword, String text) {
    int digits = digits(text);
    if (digits == 0) {
      throw text.isEmpty()
          ? new IllegalArgumentException("'" + keyword + "' expects a size.")
          : unexpected(keyword, text.charAt(0));
    }
    int shift = 0;
    if (digits < text.length()) {
      shift = 10 * ("kmg".indexOf(Character.toLowerCase(text.charAt(digits))) + 1);
      if (shift == 0) {
        throw unexpected(keyword, text.charAt(digits));
      }
      if (digits + 1 < text.length()) {
        throw unexpected(keyword, text.charAt(digits + 1));
      }
    }
    String number = text.substring(0, digits);
    if (number.length() > 10 || Long.parseLong(number) > Integer.MAX_VALUE >> shift) {
      throw new IllegalArgumentException(
          "'" + keyword + "' value '" + text + "' is out of range.");
    }
    return Integer.parseInt(number) << shift;
  }

  /**
   * {@code duration} as HAProxy writes a time, in the largest unit that holds it exactly: {@code
   * 50s}, {@code 30m}, {@code 1500ms}.
   */
  public static String format(Duration duration) {
    long micros = duration.toNanos() / 1000;
    long[] sizes = {86_400_000_000L, 3_600_000_000L, 60_000_000L, 1_000_000L, 1000L};
    String[] units = {"d", "h", "m", "s", "ms"};
    for (int i = 0; i < sizes.length; i++) {
      if (micros % sizes[i] == 0) {
        return micros / sizes[i] + units[i];
      }
    }
    return micros + "us";
  }

  /**
   * {@code text} as a time for {@code keyword}, in HAProxy's words when it is malformed.
   *
   * @throws IllegalArgumentException when it is not digits followed by an optional unit, or is
   *     far beyond any timeout
   */
  public static Duration time(String keyword, String text) {
    int digits = digits(text);
    if (digits == 0) {
      throw text.isEmpty()
          ? new IllegalArgumentException(
              "'" + keyword + "' expects an integer value (in milliseconds).")
          : unexpected(keyword, text.charAt(0));
    }
    String unit = text.substring(digits);
    ChronoUnit chrono = unit(unit);
    if (chrono == null) {
      // The character after the longest unit that starts the rest is the one that does not fit.
      int known =
          unit.startsWith("ms") || unit.startsWith("us")
              ? 2
              : "smhd".indexOf(unit.charAt(0)) >= 0 ? 1 : 0;
      throw unexpected(keyword, unit.charAt(known));
    }
    try {
      return Duration.of(Long.parseLong(text.substring(0, digits)), chrono);
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException(
          "timer overflow in argument '" + text + "' to '" + keyword
              + "' (maximum value is 2147483647 ms or ~24.8 days).",
          e);
    }
  }

  /** How many digits start {@code text}. */
  private static int digits(String text) {
    int digits = 0;
    while (digits < text.length() && Character.isDigit(text.charAt(digits))) {
      digits++;
    }
    return digits;
  }

  private static ChronoUnit unit(String unit) {
    switch (unit) {
      case "":
      case "ms":
        return ChronoUnit.MILLIS;
      case "us":
        return ChronoUnit.MICROS;
      case "s":
        return ChronoUnit.SECONDS;
      case "m":
        return ChronoUnit.MINUTES;
      case "h":
        return ChronoUnit.HOURS;
      case "d":
        return ChronoUnit.DAYS;
      default:
        return null;
    }
  }

  /**
   * Checks a frontend, backend or server name: HAProxy allows letters, digits and {@code .:_-}.
   *
   * @param what how HAProxy names the thing in the message: {@code 'frontend' name}, {@code
   *     server name}
   */
  public static String name(String what, String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(Character.isLetterOrDigit(c) && c < 128) && ".:_-".indexOf(c) < 0) {
        throw new IllegalArgumentException(
            "character '" + c + "' is not permitted in " + what + " '" + name + "'.");
      }
    }
    return name;
  }

  /** Whether {@code host} is an IPv4 address in dotted decimal or an IPv6 address. */
  public static boolean isIpAddress(String host) {
    return IPV4.matcher(host).matches() || ipv6(host);
  }

  /**
   * {@code text}, an IP address, for {@code keyword}. No name is resolved, so that checking a file
   * sends nothing over the network.
   */
  public static InetAddress ipAddress(String keyword, String text) {
    if (!isIpAddress(text)) {
      throw new IllegalArgumentException(
          "'" + keyword + "' expects an IPv4 or IPv6 address but got '" + text
              + "' (Steelyard resolves no host name).");
    }
    try {
      return InetAddress.getByName(text.indexOf(':') >= 0 ? "[" + text + "]" : text);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("a checked address did not parse: " + text, e);
    }
  }

  /**
   * Whether {@code host} is an IPv6 address. Only hex digits, colons (one at least) and dots go
   * to {@link InetAddress#getByName}, which parses such a bracketed text without a DNS lookup.
   */
  private static boolean ipv6(String host) {
    if (host.indexOf(':') < 0
        || !host.chars().allMatch(c -> "0123456789abcdefABCDEF:.".indexOf(c) >= 0)) {
      return false;
    }
    try {
      InetAddress.getByName("[" + host + "]");
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static IllegalArgumentException unexpected(String keyword, char c) {
    return new IllegalArgumentException("unexpected character '" + c + "' in '" + keyword + "'");
  }
}
