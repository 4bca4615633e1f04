package io.steelyard.tproxy;

import io.steelyard.lb.forward.Transport;

/**
 * Transparent proxying for a {@link io.steelyard.lb.Balancer}, the seed's {@code bind :80
 * transparent} and {@code source 0.0.0.0 usesrc clientip}:
 *
 * <pre>{@code
 * RoutingRules rules = RoutingRules.builder().build();
 * rules.apply();                                    // or set them up with the host's firewall
 * Balancer lb = Balancer.builder()
 *     .transport(Tproxy.transport(rules))
 *     .frontend("ft", f -> f.bind(":80").transparent().defaultBackend("bk"))
 *     .backend("bk", b -> b.sourceClientIp().server("s1", "198.51.100.11:80"))
 *     .start();
 * }</pre>
 *
 * Needs Linux with epoll and CAP_NET_ADMIN (root, or the capability granted to the JVM); {@code
 * start()} says what is missing otherwise.
 */
public final class Tproxy {
  private Tproxy() {}

  /** The TPROXY transport, checking at start that {@code rules} are in place. */
  public static Transport transport(RoutingRules rules) {
    return new TproxyTransport(java.util.Objects.requireNonNull(rules, "rules"));
  }

  /**
   * The TPROXY transport for hosts whose routing rules are managed outside Steelyard: nothing is
   * checked about them.
   */
  public static Transport transport() {
    return new TproxyTransport(null);
  }
}
