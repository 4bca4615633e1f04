package io.steelyard.lb.config;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * TCP keep-alive probes on one side's sockets, HAProxy's {@code option clitcpka} and {@code
 * srvtcpka}: {@code SO_KEEPALIVE}, so that a peer that vanished without a word (a crashed host, a
 * dropped NAT entry) is found out, and where set the timings of {@code clitcpka-idle}, {@code
 * -intvl} and {@code -cnt}. Whatever is not set is the system's ({@code
 * net.ipv4.tcp_keepalive_time}, {@code _intvl}, {@code _probes}: 2 hours, 75 s, 9 by default).
 *
 * @param idle how long a connection stays silent before the first probe, in whole seconds from 1
 *     to 32,767 (Linux's bounds); {@code null} for the system's
 * @param interval the time between unanswered probes, bounded as {@code idle}; {@code null} for
 *     the system's
 * @param count how many unanswered probes end the connection, 1 to 127; 0 for the system's
 */
public record TcpKeepAlive(@Nullable Duration idle, @Nullable Duration interval, int count) {
  /** Probes on the system's timings. */
  public static final TcpKeepAlive SYSTEM = new TcpKeepAlive(null, null, 0);

  /** The longest idle time or interval Linux takes, in seconds. */
  public static final int MAX_SECONDS = 32_767;

  /** The most probes Linux takes. */
  public static final int MAX_COUNT = 127;

  /** Checks the bounds, for configurations made without the builder. */
  public TcpKeepAlive {
    seconds("idle", idle);
    seconds("interval", interval);
    if (count < 0 || count > MAX_COUNT) {
      throw new IllegalArgumentException("TCP keep-alive count must be 0 to 127: " + count);
    }
  }

  private static void seconds(String what, @Nullable Duration value) {
    if (value != null && (value.toNanos() % 1_000_000_000L != 0 || value.getSeconds() < 1
        || value.getSeconds() > MAX_SECONDS)) {
      throw new IllegalArgumentException(
          "TCP keep-alive " + what + " must be whole seconds from 1 s to 32767 s: " + value);
    }
  }
}
