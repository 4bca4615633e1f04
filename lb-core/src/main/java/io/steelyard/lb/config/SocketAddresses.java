package io.steelyard.lb.config;

import java.net.InetSocketAddress;

/** Socket addresses as HAProxy writes them in its messages and listings. */
public final class SocketAddresses {
  private SocketAddresses() {}

  /** {@code 127.0.0.1:8080}, or {@code [::1]:8080} for an IPv6 address. */
  public static String hostPort(InetSocketAddress address) {
    String host = address.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
