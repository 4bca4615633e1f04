package io.steelyard.launcher.haproxy;

import io.steelyard.launcher.ConfigLine;
import io.steelyard.launcher.Diagnostics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The local peer name: which peer of each {@code peers} section is this balancer. As in HAProxy,
 * {@code -L NAME} on the command line wins; else the last {@code localpeer NAME} line of {@code
 * global}; else the host name.
 *
 * <p>HAProxy tells the local peer from the others as it reads each {@code peer} line, so the name
 * is fixed once the first {@code peers} section opens: a {@code localpeer} line after it is
 * ignored with HAProxy's warning, as is one beside {@code -L}, and every section has the same
 * local name. A second {@code localpeer} line before it replaces the first, with a warning.
 *
 * <p>The host name is gethostname(2)'s, as HAProxy takes it: on Linux, the kernel's, read from
 * {@code /proc/sys/kernel/hostname} without any lookup (the {@code HOSTNAME} variable plays no
 * part); elsewhere, {@link InetAddress#getLocalHost()}'s name. It is read only when a {@code
 * peers} section needs it.
 */
final class LocalPeer {
  /** Where Linux keeps the host name that gethostname(2) returns. */
  private static final Path KERNEL_HOSTNAME = Path.of("/proc/sys/kernel/hostname");

  private final String commandLine;
  private ConfigLine localpeer;
  private ConfigLine firstSection;
  private String name;

  /** The local peer name {@code -L} gives, or {@code null} when it is not given. */
  LocalPeer(String commandLine) {
    this.commandLine = commandLine;
  }

  /** Reads a {@code localpeer NAME} line of {@code global}. */
  void localpeer(ConfigLine line, Diagnostics diagnostics) {
    line.expect(1, 1, "a name as an argument");
    if (commandLine != null) {
      diagnostics.warning(
          line,
          "'localpeer' ignored since it is already set by using the '-L' command line argument.");
    } else if (firstSection != null) {
      diagnostics.warning(
          line,
          "'localpeer' ignored since it is used after 'peers' section (at "
              + firstSection.place() + "): the local peer name is '" + name + "', "
              + origin() + ".");
    } else {
      if (localpeer != null) {
        diagnostics.warning(
            line,
            "'localpeer' already specified at line " + localpeer.number()
                + "; the last one applies");
      }
      localpeer = line;
    }
  }

  /**
   * The local peer name, fixed from the first call on: {@code section} is the header of the
   * {@code peers} section that asks.
   */
  String name(ConfigLine section) {
    if (firstSection == null) {
      firstSection = section;
      name = commandLine != null ? commandLine
          : localpeer != null ? localpeer.word(1)
          : hostName();
    }
    return name;
  }

  /**
   * Where the name comes from, for messages: {@code from -L}, {@code from 'localpeer' at
   * haproxy.cfg:2} or {@code from the host name}.
   */
  String origin() {
    if (commandLine != null) {
      return "from -L";
    }
    if (localpeer != null) {
      return "from 'localpeer' at " + localpeer.place();
    }
    return name == null || !name.isEmpty()
        ? "from the host name"
        : "from the host name, which cannot be read";
  }

  /**
   * The host name as gethostname(2) gives it: Linux's from {@code /proc/sys/kernel/hostname},
   * else {@link InetAddress#getLocalHost()}'s; empty when neither can be read.
   */
  static String hostName() {
    try {
      if (Files.isReadable(KERNEL_HOSTNAME)) {
        return Files.readString(KERNEL_HOSTNAME).strip();
      }
    } catch (IOException e) {
      // Not Linux's: ask the JDK.
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "";
    }
  }
}
