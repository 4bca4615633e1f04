package io.steelyard.vrrp.linux;

import static java.util.Objects.requireNonNull;

import com.sun.jna.LastErrorException;
import io.steelyard.vrrp.state.VirtualAddress;
import java.io.IOException;
import java.net.Inet4Address;
import java.util.List;

/**
 * A network interface as VRRP needs it: its name, its index (for the multicast membership) and its
 * primary IPv4 address, which is the source of the adverts and breaks ties between equal
 * priorities. Looked up once, in the network namespace of the calling thread.
 *
 * @param name the interface name, such as {@code eth0}
 * @param index the kernel's interface index
 * @param primaryAddress the first IPv4 address {@code ip -4 addr show} lists on it
 */
public record LinuxInterface(String name, int index, Inet4Address primaryAddress) {
  /** Longest interface name Linux accepts ({@code IFNAMSIZ} 16, less the terminating NUL). */
  static final int MAX_NAME_LENGTH = 15;

  /** Checks the fields. */
  public LinuxInterface {
    requireNonNull(name, "name");
    requireNonNull(primaryAddress, "primaryAddress");
    if (index <= 0) {
      throw new IllegalArgumentException("interface index must be positive: " + index);
    }
  }

  /**
   * Looks the interface up: its index with {@code if_nametoindex(3)}, its primary address from
   * {@code ip -4 -o addr show dev NAME} (the first {@code inet} line; iproute2 lists primaries
   * before secondaries).
   *
   * @throws IllegalArgumentException if there is no interface of that name in this namespace
   * @throws IllegalStateException if it has no IPv4 address
   * @throws IOException if {@code ip} cannot be run
   */
  public static LinuxInterface lookup(String name) throws IOException {
    requireNonNull(name, "name");
    if (name.isEmpty() || name.length() > MAX_NAME_LENGTH || name.contains("/")
        || name.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("not an interface name: '" + name + "'");
    }
    int index;
    try {
      index = LibC.INSTANCE.if_nametoindex(name);
    } catch (LastErrorException e) {
      index = 0;
    }
    if (index == 0) {
      throw new IllegalArgumentException(
          "no network interface named '" + name + "' in this network namespace");
    }
    String output = IpCommand.run(List.of("ip", "-4", "-o", "addr", "show", "dev", name));
    for (String line : output.split("\n")) {
      String[] words = line.trim().split("\\s+");
      for (int i = 0; i + 1 < words.length; i++) {
        if (words[i].equals("inet")) {
          return new LinuxInterface(name, index, VirtualAddress.parse(words[i + 1]).address());
        }
      }
    }
    throw new IllegalStateException("interface '" + name
        + "' has no IPv4 address; VRRP adverts need one as their source");
  }
}
