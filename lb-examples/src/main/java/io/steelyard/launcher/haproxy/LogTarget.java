package io.steelyard.launcher.haproxy;

import io.steelyard.launcher.ConfigLine;
import io.steelyard.launcher.ConfigValues;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * One {@code log} line of HAProxy's: {@code log <target> [len <n>] [format <f>] <facility> [<level>
 * [<minlevel>]]}, and how it writes a connection's line.
 *
 * <ul>
 *   <li>{@code target}: {@code <ip>[:<port>]} or {@code udp@<ip>[:<port>]} (UDP syslog, port 514
 *       by default), a Unix datagram socket's path such as {@code /dev/log}, {@code stdout} or
 *       {@code stderr}.
 *   <li>{@code format}: without it, {@code local} ({@code <134>Dec  3 16:56:25 tag[pid]: ...},
 *       rfc3164 without a host name); {@code rfc3164} ({@code <134>Dec  3 16:56:25 localhost
 *       tag[pid]: ...}: HAProxy writes {@code localhost} unless {@code log-send-hostname}, which
 *       Steelyard does not take), {@code rfc5424} ({@code <134>1 2026-12-03T16:56:25.238913+00:00
 *       - tag pid - - ...}), {@code short} ({@code <6>...}, the level alone) or {@code raw} (the
 *       line alone), as HAProxy 2.6 writes them; each datagram or output line ends with a newline.
 *   <li>{@code len}: the longest line, 1024 bytes by default (80 to 65535), beyond which it is cut.
 *   <li>{@code facility}, and the levels between which lines are sent: connection lines are at
 *       {@code info}, so a target whose {@code level} is below it, or whose {@code minlevel} is
 *       above it, gets none.
 * </ul>
 *
 * @param destination the target as written
 * @param facility the facility's number (local0 is 16)
 * @param level the most verbose level sent (info is 6)
 * @param minLevel the least verbose level sent
 */
record LogTarget(ConfigLine line, String destination, String format, int facility, int level,
    int minLevel, int length) {
  /** The facilities, in HAProxy's (and syslog's) order of numbers. */
  static final List<String> FACILITIES = List.of("kern", "user", "mail", "daemon", "auth",
      "syslog", "lpr", "news", "uucp", "cron", "auth2", "ftp", "ntp", "audit", "alert", "cron2",
      "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7");
  /** The levels, most severe first. */
  static final List<String> LEVELS =
      List.of("emerg", "alert", "crit", "err", "warning", "notice", "info", "debug");
  /** The level of a connection's line. */
  static final int INFO = 6;

  private static final List<String> FORMATS = List.of("local", "rfc3164", "rfc5424", "short", "raw");
  private static final DateTimeFormatter RFC3164 =
      DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH);
  private static final DateTimeFormatter RFC5424 =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx", Locale.ENGLISH);

  /** Reads {@code line}, a {@code log} line other than {@code log global}. */
  static LogTarget parse(ConfigLine line) {
    List<String> words = line.words();
    String destination = line.word(1);
    int length = 1024;
    String format = "local";
    int at = 2;
    while (at < words.size() && (words.get(at).equals("len") || words.get(at).equals("format")
        || words.get(at).equals("sample"))) {
      String option = words.get(at);
      if (at + 1 >= words.size()) {
        throw new IllegalArgumentException("'log' : missing value after '" + option + "'.");
      }
      String value = words.get(at + 1);
      switch (option) {
        case "len" -> {
          length = ConfigValues.integer("log len", value);
          if (length < 80 || length > 65535) {
            throw new IllegalArgumentException(
                "'log' : invalid 'len' value '" + value + "' (80 to 65535).");
          }
        }
        case "format" -> {
          if (!FORMATS.contains(value)) {
            throw new IllegalArgumentException("'log' : unknown log format '" + value + "'"
                + (value.equals("iso") || value.equals("local") || value.equals("priority")
                    || value.equals("timed")
                    ? " (HAProxy's, not supported by Steelyard: local, rfc3164, rfc5424, short or raw)."
                    : "."));
          }
          format = value;
        }
        default -> throw new IllegalArgumentException(
            "'log' : 'sample' is not supported by Steelyard (every line goes to every target).");
      }
      at += 2;
    }
    if (at >= words.size()) {
      throw new IllegalArgumentException("'log' : missing facility.");
    }
    int facility = FACILITIES.indexOf(words.get(at));
    if (facility < 0) {
      throw new IllegalArgumentException("unknown log facility '" + words.get(at) + "'");
    }
    int level = at + 1 < words.size() ? level(words.get(at + 1)) : LEVELS.size() - 1;
    int minLevel = at + 2 < words.size() ? level(words.get(at + 2)) : 0;
    if (at + 3 < words.size()) {
      throw new IllegalArgumentException("'log' : unexpected argument '" + words.get(at + 3) + "'.");
    }
    checkDestination(destination);
    return new LogTarget(line, destination, format, facility, level, minLevel, length);
  }

  private static int level(String word) {
    int level = LEVELS.indexOf(word);
    if (level < 0) {
      throw new IllegalArgumentException("unknown optional log level '" + word + "'");
    }
    return level;
  }

  private static void checkDestination(String destination) {
    if (destination.equals("stdout") || destination.equals("stderr") || destination.startsWith("/")) {
      return;
    }
    if (destination.startsWith("fd@") || destination.startsWith("ring@")
        || destination.startsWith("tcp@") || destination.startsWith("unix@")) {
      throw new IllegalArgumentException("'log' : target '" + destination + "' is not supported by"
          + " Steelyard (it sends to <ip>[:<port>], udp@<ip>[:<port>], a Unix datagram path,"
          + " stdout or stderr).");
    }
    udpHost(destination);
  }

  /** The host of a UDP target, an IP address; the port, 514 when none is written, is {@link #udpPort}. */
  static String udpHost(String destination) {
    String target = destination.startsWith("udp@") ? destination.substring(4) : destination;
    String host = target;
    if (target.startsWith("[")) {
      host = target.substring(1, Math.max(target.indexOf(']'), 1));
    } else if (target.indexOf(':') == target.lastIndexOf(':') && target.indexOf(':') > 0) {
      host = target.substring(0, target.indexOf(':'));
    }
    if (!ConfigValues.isIpAddress(host)) {
      throw new IllegalArgumentException("'log' : invalid address '" + destination
          + "' (Steelyard takes an IP address; it resolves no host name).");
    }
    return host;
  }

  /** The port of a UDP target. */
  static int udpPort(String destination) {
    String target = destination.startsWith("udp@") ? destination.substring(4) : destination;
    int colon = target.startsWith("[") ? target.indexOf("]:") + 1 : target.indexOf(':') == target.lastIndexOf(':') ? target.indexOf(':') : -1;
    if (colon <= 0) {
      return 514;
    }
    int port = ConfigValues.integer("log port", target.substring(colon + 1));
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("'log' : invalid port in '" + destination + "'.");
    }
    return port;
  }

  /** Whether a line at {@code severity} goes to this target. */
  boolean takes(int severity) {
    return severity <= level && severity >= minLevel;
  }

  /**
   * Puts {@code header} and {@code message} into {@code datagram}, cut at {@link #length} - 1
   * bytes, and the newline that ends every line.
   */
  void write(ByteBuffer datagram, byte[] header, String message) {
    datagram.clear();
    int room = Math.min(datagram.capacity(), length) - 1;
    datagram.put(header, 0, Math.min(header.length, room));
    boolean ascii = true;
    for (int i = 0; i < message.length() && datagram.position() < room; i++) {
      char c = message.charAt(i);
      if (c >= 0x80) {
        ascii = false;
        break;
      }
      datagram.put((byte) c);
    }
    if (!ascii) {
      datagram.position(Math.min(header.length, room));
      byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
      datagram.put(bytes, 0, Math.min(bytes.length, room - datagram.position()));
    }
    datagram.put((byte) '\n');
    datagram.flip();
  }

  /**
   * What the header depends on at {@code epochMillis}: lines with equal keys have equal headers,
   * so that a sender formats it once per second (per millisecond in rfc5424, none in short and
   * raw).
   */
  long headerKey(long epochMillis) {
    return switch (format) {
      case "rfc5424" -> epochMillis;
      case "short", "raw" -> 0;
      default -> Math.floorDiv(epochMillis, 1000);
    };
  }

  /** The syslog header of a line written at {@code epochMillis} by {@code tag}[{@code pid}]. */
  String header(long epochMillis, String tag, long pid) {
    ZonedDateTime time = Instant.ofEpochMilli(epochMillis).atZone(ZoneId.systemDefault());
    int priority = facility * 8 + INFO;
    return switch (format) {
      case "rfc5424" -> "<" + priority + ">1 " + RFC5424.format(time) + " - " + tag + " " + pid + " - - ";
      case "short" -> "<" + INFO + ">";
      case "raw" -> "";
      case "rfc3164" -> "<" + priority + ">" + RFC3164.format(time) + " localhost " + tag + "[" + pid + "]: ";
      default -> "<" + priority + ">" + RFC3164.format(time) + " " + tag + "[" + pid + "]: ";
    };
  }
}
