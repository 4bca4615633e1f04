package io.steelyard.bench;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Client addresses for stick-table keys, built from bytes: no name lookup. They only key the
 * table; nothing connects to them.
 */
final class Clients {
  private Clients() {}

  /** {@code count} distinct IPv4 addresses from 10.0.0.0 + {@code first}, in order. */
  static InetAddress[] ipv4(int first, int count) {
    InetAddress[] addresses = new InetAddress[count];
    for (int i = 0; i < count; i++) {
      int n = first + i;
      byte[] bytes = {10, (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
      try {
        addresses[i] = InetAddress.getByAddress(bytes);
      } catch (UnknownHostException e) {
        throw new AssertionError("four bytes make an IPv4 address", e);
      }
    }
    return addresses;
  }
}
