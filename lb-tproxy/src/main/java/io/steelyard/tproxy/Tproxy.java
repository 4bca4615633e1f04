package io.steelyard.tproxy;

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
 * start()} says what is missing otherwise. IPv6 works the same way: {@code IP_TRANSPARENT} on
 * Netty's IPv6 sockets is the flag that {@code IPV6_TRANSPARENT} sets, and {@link
 * RoutingRules.Builder#ipv6()} adds the ip6tables and {@code ip -6} rules.
 *
 * <h2>Without root</h2>
 *
 * The balancer needs two capabilities and nothing else: CAP_NET_ADMIN for {@code IP_TRANSPARENT},
 * and CAP_NET_BIND_SERVICE to listen on a port below 1024. Run the JVM as an ordinary user that
 * holds them as ambient capabilities, which a program keeps across {@code exec}:
 *
 * <pre>
 * # a systemd unit
 * [Service]
 * User=steelyard
 * AmbientCapabilities=CAP_NET_ADMIN CAP_NET_BIND_SERVICE
 * CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_BIND_SERVICE
 *
 * # or from a root shell
 * setpriv --reuid=steelyard --regid=steelyard --init-groups \
 *     --inh-caps=+net_admin,+net_bind_service --ambient-caps=+net_admin,+net_bind_service java ...
 * </pre>
 *
 * Leave the routing rules to root: apply them before the balancer starts (the host's firewall,
 * or {@link RoutingRules#apply()} in a setup step) and give the balancer {@link
 * #transport(RoutingRules)}, which only lists them; with iptables-nft and {@code ip} listing works
 * with CAP_NET_ADMIN alone (iptables-legacy wants CAP_NET_RAW too, and its lock file in {@code
 * /run} is root's). Granting the capabilities to the java binary instead ({@code setcap
 * cap_net_admin,cap_net_bind_service+ep}) gives them to everything that JDK runs, and such a binary
 * starts in secure mode, which ignores its {@code $ORIGIN} rpath: it fails to load {@code
 * libjli.so} until the JDK's {@code lib} directory is listed in {@code /etc/ld.so.conf.d} and
 * {@code ldconfig} has run. The tests run the balancer as {@code nobody} under {@code setpriv}:
 * without capabilities {@code start()} fails naming CAP_NET_ADMIN and these ways to grant it; with
 * the two ambient capabilities the backends see the clients' own addresses.
 *
 * <h2>Splice</h2>
 *
 * Either transport relays with epoll's splice(2) relay when asked, {@code
 * Tproxy.transport(rules).splice(Splice.BOTH)} (see {@link TproxyTransport#splice(Splice)}). A
 * balancer that is not transparent splices on {@code Transport.epoll(Splice)}, without this
 * module.
 */
public final class Tproxy {
  private Tproxy() {}

  /** The TPROXY transport, checking at start that {@code rules} are in place. */
  public static TproxyTransport transport(RoutingRules rules) {
    return new TproxyTransport(java.util.Objects.requireNonNull(rules, "rules"));
  }

  /**
   * The TPROXY transport for hosts whose routing rules are managed outside Steelyard: nothing is
   * checked about them.
   */
  public static TproxyTransport transport() {
    return new TproxyTransport(null);
  }
}
