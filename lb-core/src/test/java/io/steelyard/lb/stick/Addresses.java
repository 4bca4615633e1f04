package io.steelyard.lb.stick;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Client addresses for the tests, from literals: no name lookup. */
final class Addresses {
  private Addresses() {}

  static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  /** The IPv4 address 10.0.0.0 + {@code n}. */
  static InetAddress ipv4(int n) {
    byte[] bytes = {10, (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
