package io.steelyard.vrrp.state;

import static java.util.Objects.requireNonNull;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A virtual IPv4 address as it goes on the interface, such as {@code 192.168.69.110/32}: the
 * address, its prefix length, and optionally a broadcast address and a scope, as in keepalived's
 * {@code virtual_ipaddress} lines ({@code 192.168.200.16/24 brd 192.168.200.255 scope link}).
 * Advertisements carry the address only.
 *
 * @param address the address
 * @param prefixLength 0 to 32
 * @param broadcast the broadcast address to set with it, if any ({@code brd})
 * @param scope the address scope, 0 to 255: {@value #SCOPE_GLOBAL} (global, the default), 200
 *     (site), 253 (link), 254 (host), 255 (nowhere)
 */
public record VirtualAddress(Inet4Address address, int prefixLength,
    Optional<Inet4Address> broadcast, int scope) {
  /** The default scope, {@code global}. */
  public static final int SCOPE_GLOBAL = 0;

  private static final Map<String, Integer> SCOPES =
      Map.of("global", 0, "site", 200, "link", 253, "host", 254, "nowhere", 255);

  /** Checks the prefix length and the scope. */
  public VirtualAddress {
    requireNonNull(address, "address");
    requireNonNull(broadcast, "broadcast");
    if (prefixLength < 0 || prefixLength > 32) {
      throw new IllegalArgumentException(
          "prefix length must be 0 to 32: " + address.getHostAddress() + "/" + prefixLength);
    }
    if (scope < 0 || scope > 255) {
      throw new IllegalArgumentException("scope must be 0 to 255: " + scope);
    }
  }

  /** An address with that prefix length, no broadcast address, global scope. */
  public VirtualAddress(Inet4Address address, int prefixLength) {
    this(address, prefixLength, Optional.empty(), SCOPE_GLOBAL);
  }

  /**
   * Parses {@code a.b.c.d} (prefix 32) or {@code a.b.c.d/len}, optionally followed by {@code brd
   * a.b.c.d} and {@code scope global|site|link|host|nowhere|0-255}, each at most once; four
   * decimal numbers per address, host names are refused rather than looked up.
   *
   * @throws IllegalArgumentException if it is not such an address, naming the text
   */
  public static VirtualAddress parse(String text) {
    requireNonNull(text, "text");
    String[] words = text.trim().split("\\s+");
    String first = words[0];
    int slash = first.indexOf('/');
    Inet4Address address = ipv4(text, slash < 0 ? first : first.substring(0, slash));
    int prefix = slash < 0 ? 32 : number(text, first.substring(slash + 1), 32);
    Inet4Address broadcast = null;
    Integer scope = null;
    for (int i = 1; i < words.length; i += 2) {
      if (i + 1 == words.length) {
        throw invalid(text, "'" + words[i] + "' needs a value");
      }
      String value = words[i + 1];
      if (words[i].equals("brd") && broadcast == null) {
        broadcast = ipv4(text, value);
      } else if (words[i].equals("scope") && scope == null) {
        scope = SCOPES.containsKey(value) ? SCOPES.get(value) : number(text, value, 255);
      } else {
        throw invalid(text, "'" + words[i] + "' is not brd or scope, or is given twice");
      }
    }
    return new VirtualAddress(address, prefix, Optional.ofNullable(broadcast),
        scope == null ? SCOPE_GLOBAL : scope);
  }

  private static Inet4Address ipv4(String text, String dotted) {
    String[] parts = dotted.split("\\.", -1);
    if (parts.length != 4) {
      throw invalid(text, null);
    }
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      bytes[i] = (byte) number(text, parts[i], 255);
    }
    try {
      return (Inet4Address) InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are always an IPv4 address", e);
    }
  }

  private static int number(String text, String digits, int max) {
    if (digits.isEmpty() || digits.length() > 3
        || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw invalid(text, null);
    }
    int n = Integer.parseInt(digits);
    if (n > max) {
      throw invalid(text, null);
    }
    return n;
  }

  private static IllegalArgumentException invalid(String text, @Nullable String why) {
    return new IllegalArgumentException("virtual address must be an IPv4 address with an optional"
        + " /prefix, brd and scope: '" + text + "'" + (why == null ? "" : ": " + why));
  }

  /**
   * For example {@code 192.168.69.110/32}, with {@code brd B} and {@code scope N} when they are
   * set: what {@link #parse} reads back.
   */
  @Override
  public String toString() {
    return address.getHostAddress() + "/" + prefixLength
        + broadcast.map(b -> " brd " + b.getHostAddress()).orElse("")
        + (scope == SCOPE_GLOBAL ? "" : " scope " + scope);
  }
}
