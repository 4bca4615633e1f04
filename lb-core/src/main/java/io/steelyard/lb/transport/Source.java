package io.steelyard.lb.transport;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * The source address of connections to servers, HAProxy's {@code source ADDR [usesrc ...]}.
 *
 * <ul>
 *   <li>{@link #address}: bind to a local address (port chosen by the system);
 *   <li>{@link #clientIp()}: {@code usesrc clientip}, the client's own address, so that servers see
 *       the real client; the port is chosen by the system;
 *   <li>{@link #client()}: {@code usesrc client}, the client's address and port.
 * </ul>
 *
 * The last two need a transport that can bind foreign addresses (TPROXY) and the routing rules
 * that bring the servers' replies back.
 *
 * @param local the local address of {@link Kind#ADDRESS}, or {@code null}
 */
public record Source(Kind kind, @Nullable InetAddress local) {

  /** What a connection to a server is bound to. */
  public enum Kind {
    ADDRESS,
    CLIENT_IP,
    CLIENT
  }

  public Source {
    requireNonNull(kind, "kind");
    if ((kind == Kind.ADDRESS) != (local != null)) {
      throw new IllegalArgumentException("a local address goes with ADDRESS only: " + kind + " " + local);
    }
  }

  /** Binds connections to {@code local}, HAProxy's {@code source ADDR}. */
  public static Source address(InetAddress local) {
    return new Source(Kind.ADDRESS, requireNonNull(local, "local"));
  }

  /** The client's address, HAProxy's {@code source 0.0.0.0 usesrc clientip}. */
  public static Source clientIp() {
    return new Source(Kind.CLIENT_IP, null);
  }

  /** The client's address and port, HAProxy's {@code source 0.0.0.0 usesrc client}. */
  public static Source client() {
    return new Source(Kind.CLIENT, null);
  }

  /** Whether binding it needs a transparent socket. */
  public boolean foreign() {
    return kind != Kind.ADDRESS;
  }

  /** The local address a connection for {@code client} binds to. */
  public InetSocketAddress bindAddress(InetSocketAddress client) {
    switch (kind) {
      case CLIENT_IP:
        return new InetSocketAddress(client.getAddress(), 0);
      case CLIENT:
        return client;
      default:
        return new InetSocketAddress(local, 0);
    }
  }
}
