package io.steelyard.tproxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Linux capabilities this process holds, read from {@code /proc/self/status}: whether it may
 * set {@code IP_TRANSPARENT} (CAP_NET_ADMIN) and use raw sockets (CAP_NET_RAW).
 */
final class Capabilities {
  static final int CAP_NET_ADMIN = 12;
  static final int CAP_NET_RAW = 13;

  private final long effective;

  private Capabilities(long effective) {
    this.effective = effective;
  }

  static Capabilities ofThisProcess() {
    try {
      List<String> status = Files.readAllLines(Path.of("/proc/self/status"));
      for (String line : status) {
        if (line.startsWith("CapEff:")) {
          return new Capabilities(Long.parseUnsignedLong(line.substring(7).trim(), 16));
        }
      }
      throw new IllegalStateException("no CapEff line in /proc/self/status");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /proc/self/status", e);
    }
  }

  boolean has(int capability) {
    return (effective & (1L << capability)) != 0;
  }

  /**
   * Fails naming the capability and how to grant it, unless this process holds it.
   *
   * @param why what needs it, such as {@code transparent proxying (IP_TRANSPARENT)}
   */
  void require(int capability, String name, String why) {
    if (!has(capability)) {
      throw new IllegalStateException(
          why + " needs " + name + ", which this process does not have. Run as root, or grant it "
              + "without root: 'setcap " + name.toLowerCase(java.util.Locale.ROOT)
              + "+ep $(readlink -f $(which java))', or in a systemd unit 'AmbientCapabilities="
              + name + "' with 'CapabilityBoundingSet=" + name + "'");
    }
  }
}
