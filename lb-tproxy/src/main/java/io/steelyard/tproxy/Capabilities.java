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
   * Fails naming the capability and the ways to grant it without root, unless this process holds
   * it: ambient capabilities (systemd, setpriv), or file capabilities on the java binary, whose
   * catch it names.
   *
   * @param why what needs it, such as {@code transparent proxying (IP_TRANSPARENT)}
   */
  void require(int capability, String name, String why) {
    if (!has(capability)) {
      String lower = name.toLowerCase(java.util.Locale.ROOT).substring("CAP_".length());
      throw new IllegalStateException(
          why + " needs " + name + ", which this process does not have. Run as root, or grant "
              + "it without root (with CAP_NET_BIND_SERVICE too for ports below 1024): in a "
              + "systemd unit 'AmbientCapabilities=" + name + " CAP_NET_BIND_SERVICE'; from a "
              + "root shell 'setpriv --reuid=USER --regid=GROUP --init-groups --inh-caps=+"
              + lower + ",+net_bind_service --ambient-caps=+" + lower + ",+net_bind_service java "
              + "...'; or 'setcap cap_" + lower + ",cap_net_bind_service+ep' on the java binary "
              + "($(readlink -f $(which java))), with the JDK's lib directory added to "
              + "/etc/ld.so.conf.d and ldconfig run (a java with file capabilities ignores its "
              + "$ORIGIN rpath and fails to load libjli.so)");
    }
  }
}
