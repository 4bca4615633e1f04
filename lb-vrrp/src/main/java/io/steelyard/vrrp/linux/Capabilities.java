package io.steelyard.vrrp.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The two capabilities a VRRP instance needs, checked before it opens anything so that a missing
 * one fails at start with its name and the way to grant it, not at the first failover:
 * {@code CAP_NET_RAW} for the raw VRRP socket and the gratuitous ARPs, {@code CAP_NET_ADMIN} for
 * adding and removing the virtual addresses. root has both.
 */
final class Capabilities {
  /** The bit of {@code CAP_NET_ADMIN} in the capability sets of {@code /proc/PID/status}. */
  static final int CAP_NET_ADMIN = 12;

  /** The bit of {@code CAP_NET_RAW}. */
  static final int CAP_NET_RAW = 13;

  /** How to grant them, for error messages. */
  static final String HOW = "run as root, or grant CAP_NET_RAW and CAP_NET_ADMIN: "
      + "AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN in a systemd unit, "
      + "setpriv --inh-caps=+net_raw,+net_admin --ambient-caps=+net_raw,+net_admin, "
      + "or setcap cap_net_raw,cap_net_admin+ep on the java binary";

  private Capabilities() {}

  /**
   * Fails unless this process has both capabilities in its effective set.
   *
   * @throws SecurityException naming the missing ones and how to grant them
   */
  static void require() throws IOException {
    long effective = effective();
    List<String> missing = new ArrayList<>();
    if (!has(effective, CAP_NET_RAW)) {
      missing.add("CAP_NET_RAW (for the raw VRRP socket and the gratuitous ARPs)");
    }
    if (!has(effective, CAP_NET_ADMIN)) {
      missing.add("CAP_NET_ADMIN (for adding and removing the virtual addresses)");
    }
    if (!missing.isEmpty()) {
      throw missing(String.join(" and ", missing));
    }
  }

  /** The error for a refused operation that needs {@code what}. */
  static SecurityException missing(String what) {
    return new SecurityException("VRRP needs " + what + ", which this process does not have; "
        + HOW);
  }

  /** The hexadecimal {@code CapEff} line of {@code /proc/self/status}. */
  private static long effective() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("CapEff:")) {
        return Long.parseUnsignedLong(line.substring("CapEff:".length()).trim(), 16);
      }
    }
    throw new IOException("/proc/self/status has no CapEff line");
  }

  private static boolean has(long effective, int capability) {
    return (effective & (1L << capability)) != 0;
  }
}
