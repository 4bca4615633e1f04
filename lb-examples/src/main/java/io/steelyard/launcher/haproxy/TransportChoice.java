package io.steelyard.launcher.haproxy;

import io.steelyard.lb.transport.Transport;
import java.util.ArrayList;
import java.util.List;

/**
 * The transport a file without TPROXY runs on, and why: the first this machine has of epoll,
 * io_uring and NIO ({@link Transport#auto()}'s order), less those turned off, as HAProxy takes the
 * best poller less those that {@code noepoll} and its kin turn off.
 *
 * @param reason for {@code -c}, such as {@code io_uring (noepoll)}
 */
public record TransportChoice(Transport transport, String reason) {

  /**
   * @param noUring io_uring turned off ({@code nouring} in {@code global}, or {@code -du})
   * @param noEpoll epoll turned off ({@code noepoll} in {@code global}, or {@code -de})
   */
  static TransportChoice of(boolean noUring, boolean noEpoll) {
    List<String> passed = new ArrayList<>();
    for (Transport candidate : Transport.nativeTransports()) {
      boolean off = candidate == Transport.ioUring() ? noUring : noEpoll;
      if (off) {
        passed.add("no" + (candidate == Transport.ioUring() ? "uring" : "epoll"));
      } else if (!candidate.available()) {
        passed.add(candidate.name() + " unavailable: " + candidate.unavailabilityCause());
      } else {
        return new TransportChoice(candidate, describe(candidate, passed));
      }
    }
    return new TransportChoice(Transport.nio(), describe(Transport.nio(), passed));
  }

  private static String describe(Transport chosen, List<String> passed) {
    return passed.isEmpty()
        ? chosen.name() + ", the first this machine has of epoll, io_uring and nio"
        : chosen.name() + " (" + String.join("; ", passed) + ")";
  }
}
