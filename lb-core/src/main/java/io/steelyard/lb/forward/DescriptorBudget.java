package io.steelyard.lb.forward;

import io.steelyard.lb.stats.Limits;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HAProxy's arithmetic of file descriptors: without a global {@code maxconn}, the most connections
 * are what the descriptor limit leaves once the descriptors held anyway are set aside, each
 * connection taking two sockets (and the zero-copy relay's pipes), never fewer than HAProxy's
 * default of 100. Set aside too is one read's worth of accepts per listener ({@link
 * #ACCEPT_BURST}): a listener told to pause from another event loop may finish the read it is in. With a {@code maxconn} that the limit cannot hold, a warning says how far to
 * raise {@code ulimit -n}, as HAProxy's does.
 *
 * <p>HAProxy also raises its soft limit to what it needs; the JVM has already raised the soft limit
 * to the hard limit as it started (HotSpot's {@code -XX:+MaxFDLimit}, on by default), which is as
 * much as a process without {@code CAP_SYS_RESOURCE} can get.
 */
final class DescriptorBudget {
  private static final Logger log = LoggerFactory.getLogger(DescriptorBudget.class);
  /** HAProxy's {@code DEFAULT_MAXCONN}: the least it derives, however tight the limit. */
  static final int DEFAULT_MAXCONN = 100;
  /** The most connections one read of a listener accepts: Netty's default messages per read. */
  static final int ACCEPT_BURST = 16;
  /** Descriptors kept spare for what comes and goes besides connections (checks, the stats socket). */
  private static final int SPARE = 10;

  private DescriptorBudget() {}

  /**
   * The limits of a balancer about to start.
   *
   * @param maxConn the configured global maxconn, 0 for none
   * @param listeners the listening sockets it binds
   * @param ioThreads its event loops, each holding an epoll descriptor and two wake-up descriptors
   * @param perConnection the descriptors one connection takes: its two sockets and any pipes
   */
  static Limits of(int maxConn, int listeners, int ioThreads, int perConnection) {
    long ulimit = limit();
    long held = openNow() + listeners + 3L * ioThreads + SPARE;
    if (maxConn > 0) {
      long maxSock = held + (long) maxConn * perConnection;
      if (ulimit > 0 && maxSock > ulimit) {
        log.warn(
            "FD limit ({}) too low for maxconn={}/maxsock={}. Please raise 'ulimit-n' to {} or more to"
                + " avoid any trouble.",
            ulimit, maxConn, maxSock, maxSock);
      }
      return new Limits(ulimit, maxSock, maxConn, false);
    }
    if (ulimit <= 0) {
      return new Limits(0, 0, 0, false);
    }
    long overshoot = (long) ACCEPT_BURST * listeners * perConnection;
    int derived =
        (int) Math.max(DEFAULT_MAXCONN, Math.min(Integer.MAX_VALUE, (ulimit - held - overshoot) / perConnection));
    return new Limits(ulimit, held + (long) derived * perConnection, derived, true);
  }

  /** The soft descriptor limit, 0 where the JVM does not tell it. */
  private static long limit() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.UnixOperatingSystemMXBean unix
        ? unix.getMaxFileDescriptorCount()
        : 0;
  }

  /** The descriptors open now: the JVM's own files and whatever the host application holds. */
  private static long openNow() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.UnixOperatingSystemMXBean unix
        ? unix.getOpenFileDescriptorCount()
        : 0;
  }
}
