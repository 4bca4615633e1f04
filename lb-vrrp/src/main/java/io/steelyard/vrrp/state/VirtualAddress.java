package io.steelyard.vrrp.state;

import static java.util.Objects.requireNonNull;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A virtual IPv4 address and the prefix length it is added to the interface with, such as {@code
 * 192.168.69.110/32}. Advertisements carry the address only.
 *
 * @param address the address
 * @param prefixLength 0 to 32
 */
public record VirtualAddress(Inet4Address address, int prefixLength) {
  /** Checks the prefix length. */
  public VirtualAddress {
    requireNonNull(address, "address");
    if (prefixLength < 0 || prefixLength > 32) {
      throw new IllegalArgumentException(
          "prefix length must be 0 to 32: " + address.getHostAddress() + "/" + prefixLength);
    }
  }

  /**
   * Parses {@code a.b.c.d} (prefix 32) or {@code a.b.c.d/len}, four decimal numbers; host names
   * are refused rather than looked up.
   *
   * @throws IllegalArgumentException if it is not such an address
   */
  public static VirtualAddress parse(String text) {
    requireNonNull(text, "text");
    int slash = text.indexOf('/');
    String host = slash < 0 ? text : text.substring(0, slash);
    int prefix = 32;
    if (slash >= 0) {
      prefix = number(text, text.substring(slash + 1), 32);
    }
    String[] parts = host.split("\\.", -1);
    if (parts.length != 4) {
      throw invalid(text);
    }
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      bytes[i] = (byte) number(text, parts[i], 255);
    }
    try {
      return new VirtualAddress((Inet4Address) InetAddress.getByAddress(bytes), prefix);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are always an IPv4 address", e);
    }
  }

  private static int number(String text, String digits, int max) {
    if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw invalid(text);
    }
    int n = Integer.parseInt(digits);
    if (n > max) {
      throw invalid(text);
    }
    return n;
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        "virtual address must be an IPv4 address with an optional /prefix: '" + text + "'");
  }

  /** For example {@code 192.168.69.110/32}. */
  @Override
  public String toString() {
    return address.getHostAddress() + "/" + prefixLength;
  }
}
