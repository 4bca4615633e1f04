package io.steelyard.launcher.haproxy;

import io.steelyard.lb.transport.Splice;
import io.steelyard.lb.transport.Transport;
import java.util.ArrayList;
import java.util.List;

/**
 * The transport a file without TPROXY runs on, and why: the first this machine has of epoll,
 * io_uring and NIO ({@link Transport#auto()}'s order), less those turned off, as HAProxy takes the
 * best poller less those that {@code noepoll} and its kin turn off. Epoll runs on Steelyard's own
 * edge-triggered channels, or on Netty's when the file's {@code option splice-*} lines ask for
 * splicing, which only Netty's do; io_uring and NIO copy, as HAProxy does where it cannot splice.
 *
 * @param reason for {@code -c}, such as {@code io_uring (noepoll)}
 */
public record TransportChoice(Transport transport, String reason) {

  /**
   * @param noUring io_uring turned off ({@code nouring} in {@code global}, or {@code -du})
   * @param noEpoll epoll turned off ({@code noepoll} in {@code global}, or {@code -de})
   * @param splice what the {@code option splice-*} lines splice, or {@code null}
   */
  static TransportChoice of(boolean noUring, boolean noEpoll, Splice splice) {
    List<String> passed = new ArrayList<>();
    for (Transport candidate : Transport.nativeTransports()) {
      boolean off = candidate == Transport.ioUring() ? noUring : noEpoll;
      if (off) {
        passed.add("no" + (candidate == Transport.ioUring() ? "uring" : "epoll"));
      } else if (!candidate.available()) {
        passed.add(candidate.name() + " unavailable: " + candidate.unavailabilityCause());
      } else {
        return chosen(candidate, passed, splice);
      }
    }
    return chosen(Transport.nio(), passed, splice);
  }

  private static TransportChoice chosen(Transport chosen, List<String> passed, Splice splice) {
    String why = passed.isEmpty()
        ? ", the first this machine has of epoll, io_uring and nio"
        : " (" + String.join("; ", passed) + ")";
    if (splice == null) {
      return new TransportChoice(chosen, chosen.name() + why);
    }
    if (chosen == Transport.epollEdge()) {
      Transport splicing = Transport.epoll(splice);
      return new TransportChoice(splicing, splicing.name() + why + ", splicing with Netty's channels");
    }
    return new TransportChoice(chosen, chosen.name() + why + ", copying: 'option splice-*' needs epoll");
  }
}
