package io.steelyard.lb.forward;

import io.steelyard.lb.log.LogFormat;
import io.steelyard.lb.log.LogVariable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Writes a finished session's line in a {@link LogFormat}, each variable as HAProxy 2.6 writes it.
 * The dates are formatted once per second and kept, so that a line costs little more than its
 * numbers; safe to call from any thread.
 */
final class LogLineRenderer {
  private static final String PID = String.valueOf(ProcessHandle.current().pid());

  private static final SecondText ACCEPT_DATE = new SecondText(
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss.", Locale.ENGLISH).withZone(ZoneId.systemDefault()));
  private static final SecondText ACCEPT_DATE_GMT = new SecondText(
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss xx", Locale.ENGLISH).withZone(ZoneOffset.UTC));
  private static final SecondText ACCEPT_DATE_LOCAL = new SecondText(
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss xx", Locale.ENGLISH).withZone(ZoneId.systemDefault()));

  /** A date to the second, formatted when the second changes and reused within it. */
  private static final class SecondText {
    private record Cached(long second, String text) {}

    private final DateTimeFormatter formatter;
    private volatile Cached cached = new Cached(Long.MIN_VALUE, "");

    SecondText(DateTimeFormatter formatter) {
      this.formatter = formatter;
    }

    String of(long epochMillis) {
      long second = Math.floorDiv(epochMillis, 1000);
      Cached last = cached;
      if (last.second() != second) {
        last = new Cached(second, formatter.format(Instant.ofEpochSecond(second)));
        cached = last;
      }
      return last.text();
    }
  }

  /** The host's name, as {@code gethostname} gives it, read when a line first shows it. */
  private static final class Host {
    static final String NAME = hostname();

    private static String hostname() {
      try {
        return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
      } catch (IOException e) {
        try {
          return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException unknown) {
          return "localhost";
        }
      }
    }
  }

  private LogLineRenderer() {}

  /** {@code session}'s line in {@code format}. */
  static String render(LogFormat format, FinishedSession session) {
    StringBuilder line = new StringBuilder(160);
    for (LogFormat.Part part : format.parts()) {
      if (part.variable() == null) {
        line.append(part.text());
      } else if (part.quoted()) {
        line.append('"');
        appendText(line, session, part.variable(), "");
        line.append('"');
      } else {
        append(line, session, part.variable());
      }
    }
    return line.toString();
  }

  private static void append(StringBuilder line, FinishedSession session, LogVariable variable) {
    switch (variable) {
      case CLIENT_PORT -> port(line, session.client());
      case FRONTEND_PORT -> port(line, session.frontendAddress());
      case BACKEND_SOURCE_PORT -> port(line, session.sourceAddress());
      case SERVER_PORT -> port(line, session.serverAddress());
      case ACCEPT_DATE -> {
        long millis = Math.floorMod(session.acceptedAtMillis(), 1000L);
        line.append(ACCEPT_DATE.of(session.acceptedAtMillis()));
        threeDigits(line, millis);
      }
      case ACCEPT_DATE_GMT -> line.append(ACCEPT_DATE_GMT.of(session.acceptedAtMillis()));
      case ACCEPT_DATE_LOCAL -> line.append(ACCEPT_DATE_LOCAL.of(session.acceptedAtMillis()));
      case ACCEPT_TIMESTAMP -> line.append(Math.floorDiv(session.acceptedAtMillis(), 1000L));
      case ACCEPT_MILLIS -> threeDigits(line, Math.floorMod(session.acceptedAtMillis(), 1000L));
      case QUEUE_TIME -> line.append(session.queueMillis());
      case CONNECT_TIME -> line.append(session.connectMillis());
      case DATA_TIME -> line.append(session.connectMillis() < 0 ? -1
          : Math.max(0, session.totalMillis() - session.queueMillis() - session.connectMillis()));
      case TOTAL_TIME -> line.append(session.totalMillis());
      case BYTES_SENT -> line.append(session.bytesOut());
      case BYTES_RECEIVED -> line.append(session.bytesIn());
      case TERMINATION_STATE -> line.append(session.termination().code());
      case ACTIVE_CONNECTIONS -> line.append(session.activeConnections());
      case FRONTEND_CONNECTIONS -> line.append(session.frontendConnections());
      case BACKEND_CONNECTIONS -> line.append(session.backendConnections());
      case SERVER_CONNECTIONS -> line.append(session.serverConnections());
      case RETRIES -> line.append(session.redispatched() ? "+" : "").append(session.retries());
      case SERVER_QUEUE -> line.append(session.serverQueue());
      case BACKEND_QUEUE -> line.append(session.backendQueue());
      case PID -> line.append(PID);
      default -> appendText(line, session, variable, "-");
    }
  }

  /** A text variable's value, or {@code missing} when it has none. */
  private static void appendText(
      StringBuilder line, FinishedSession session, LogVariable variable, String missing) {
    switch (variable) {
      case CLIENT_IP -> ip(line, session.client(), missing);
      case FRONTEND_IP -> ip(line, session.frontendAddress(), missing);
      case BACKEND_SOURCE_IP -> ip(line, session.sourceAddress(), missing);
      case SERVER_IP -> ip(line, session.serverAddress(), missing);
      case FRONTEND, FRONTEND_TRANSPORT -> line.append(session.frontend());
      case BACKEND -> line.append(session.backend());
      case SERVER -> line.append(session.server() == null ? "<NOSRV>" : session.server());
      case HOSTNAME -> line.append(Host.NAME);
      default -> throw new IllegalStateException("not a text variable: " + variable);
    }
  }

  private static void ip(StringBuilder line, InetSocketAddress address, String missing) {
    line.append(address == null || address.getAddress() == null
        ? missing : address.getAddress().getHostAddress());
  }

  private static void port(StringBuilder line, InetSocketAddress address) {
    if (address == null) {
      line.append('-');
    } else {
      line.append(address.getPort());
    }
  }

  private static void threeDigits(StringBuilder line, long value) {
    if (value < 100) {
      line.append('0');
    }
    if (value < 10) {
      line.append('0');
    }
    line.append(value);
  }
}
