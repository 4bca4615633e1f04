package io.steelyard.lb;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.jspecify.annotations.Nullable;

/**
 * Parses addresses the way HAProxy writes them: {@code host:port}, {@code [v6]:port}, or a bare
 * IPv6 address whose last colon starts the port ({@code ::1:80}); for binds an empty or {@code *}
 * host is the IPv4 wildcard ({@code :80}, {@code *:80}).
 */
final class Addresses {
  private Addresses() {}

  /** A listening address; port 0 asks the system for a free port. */
  static InetSocketAddress bind(@Nullable String proxy, String what, String text) {
    HostPort hp = split(proxy, what, text);
    int port = port(proxy, what, text, hp.port, 0);
    if (hp.host.isEmpty() || hp.host.equals("*")) {
      return new InetSocketAddress(port);
    }
    return new InetSocketAddress(resolve(proxy, what, text, hp.host), port);
  }

  /** A server's address, with a port from 1 to 65535. */
  static InetSocketAddress server(@Nullable String proxy, String what, String text) {
    HostPort hp = split(proxy, what, text);
    int port = port(proxy, what, text, hp.port, 1);
    if (hp.host.isEmpty()) {
      throw new ConfigException(proxy, what + ": address '" + text + "' has no host");
    }
    return new InetSocketAddress(resolve(proxy, what, text, hp.host), port);
  }

  private record HostPort(String host, String port) {}

  private static HostPort split(@Nullable String proxy, String what, String text) {
    String t = text.strip();
    if (t.startsWith("[")) {
      int close = t.indexOf(']');
      if (close < 0 || close + 1 >= t.length() || t.charAt(close + 1) != ':') {
        throw new ConfigException(proxy, what + ": address '" + text + "' is not [ipv6]:port");
      }
      return new HostPort(t.substring(1, close), t.substring(close + 2));
    }
    int colon = t.lastIndexOf(':');
    if (colon < 0) {
      throw new ConfigException(proxy, what + ": address '" + text + "' has no port (expected host:port)");
    }
    return new HostPort(t.substring(0, colon), t.substring(colon + 1));
  }

  private static int port(@Nullable String proxy, String what, String text, String port, int min) {
    int value;
    try {
      value = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw new ConfigException(proxy, what + ": address '" + text + "' has an invalid port '" + port + "'");
    }
    if (value < min || value > 65535) {
      throw new ConfigException(proxy,
          what + ": port must be " + min + " to 65535 in '" + text + "': " + value);
    }
    return value;
  }

  private static InetAddress resolve(@Nullable String proxy, String what, String text, String host) {
    try {
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new ConfigException(proxy, what + ": cannot resolve host '" + host + "' of '" + text + "'");
    }
  }
}
