package io.steelyard.launcher.haproxy;

import io.steelyard.launcher.ConfigLine;
import io.steelyard.lb.cli.Level;
import io.steelyard.lb.cli.StatsSocket;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A {@code stats socket} line of the {@code global} section: {@code stats socket
 * /run/haproxy/admin.sock mode 660 level admin}. The address is a path to a Unix-domain socket
 * ({@code unix@} may prefix it) or a loopback address and port ({@code 127.0.0.1:9999}, {@code
 * ipv4@127.0.0.1:9999}, {@code ipv6@[::1]:9999}); of HAProxy's socket options, {@code mode} and
 * {@code level}. Other options, other address kinds ({@code abns@}, {@code fd@}...) and addresses
 * off loopback (the runtime API has no authentication) are errors. Several lines make several
 * sockets.
 *
 * @param path the Unix-domain socket, or {@code null}
 * @param tcp the loopback address and port, or {@code null}
 * @param mode the socket file's mode, or {@code null} for the umask's
 * @param level what its clients may do, or {@code null} for HAProxy's default (operator)
 */
record StatsSocketLine(ConfigLine line, Path path, String tcp, Integer mode, Level level) {

  /** Reads {@code stats socket ...}. */
  static StatsSocketLine parse(ConfigLine line) {
    if (line.arguments() < 2) {
      throw new IllegalArgumentException(
          "'stats socket' in global section expects an address or a path to a UNIX socket");
    }
    String address = line.word(2);
    Path path = null;
    String tcp = null;
    if (address.startsWith("/") || address.startsWith("unix@")) {
      path = Path.of(address.startsWith("unix@") ? address.substring(5) : address);
    } else {
      tcp = address.startsWith("ipv4@") || address.startsWith("ipv6@") ? address.substring(5) : address;
      if (tcp.contains("@")) {
        throw new IllegalArgumentException(
            "'stats socket' : address '" + address + "' is not supported by Steelyard (a path, or"
                + " a loopback address and port such as 127.0.0.1:9999)");
      }
      try {
        StatsSocket.tcp(tcp);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("'stats socket' : " + e.getMessage());
      }
    }
    Integer mode = null;
    Level level = null;
    for (int i = 3; i <= line.arguments(); i += 2) {
      String option = line.word(i);
      String value = i < line.arguments() ? line.word(i + 1) : "";
      switch (option) {
        case "mode":
          if (tcp != null) {
            throw new IllegalArgumentException(
                "'stats socket' : 'mode' applies to a UNIX socket, not to '" + address + "'");
          }
          mode = mode(value);
          break;
        case "level":
          try {
            level = value.isEmpty() ? null : Level.of(value);
          } catch (IllegalArgumentException e) {
            level = null;
          }
          if (level == null) {
            throw new IllegalArgumentException(value.isEmpty()
                ? "'stats socket' : ''level' : missing level'"
                : "'stats socket' : ''level' only supports 'user', 'operator', and 'admin' (got '"
                    + value + "')'");
          }
          break;
        default:
          throw new IllegalArgumentException(
              "'stats socket' : '" + option + "' is not supported by Steelyard (only 'mode' and 'level').");
      }
    }
    return new StatsSocketLine(line, path, tcp, mode, level);
  }

  /** HAProxy's octal {@code mode}, such as {@code 660}. */
  private static int mode(String value) {
    int mode = -1;
    try {
      mode = Integer.parseInt(value, 8);
    } catch (NumberFormatException e) {
      // reported below
    }
    if (mode < 0 || mode > 0777) {
      throw new IllegalArgumentException(
          "'stats socket' : ''mode' : missing or invalid mode '" + value + "' (octal integer expected)'");
    }
    return mode;
  }

  /**
   * The socket, with the section's {@code stats timeout} and {@code stats maxconn} when given
   * ({@code null} otherwise).
   */
  StatsSocket toSocket(Duration timeout, Integer maxConn) {
    StatsSocket socket = path != null ? StatsSocket.unix(path) : StatsSocket.tcp(tcp);
    if (mode != null) {
      socket.mode(mode);
    }
    if (level != null) {
      socket.level(level);
    }
    if (timeout != null) {
      socket.timeout(timeout);
    }
    if (maxConn != null) {
      socket.maxConn(maxConn);
    }
    return socket;
  }
}
