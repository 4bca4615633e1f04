package io.steelyard.tproxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.steelyard.lb.testing.Privileged;
import io.steelyard.tproxy.TransparentTopology.Exchange;
import io.steelyard.tproxy.TransparentTopology.Family;
import java.net.Inet6Address;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The seed's transparent topology over IPv6 ({@link TransparentTopology}): clients on
 * 2001:db8:1::/64, backends on 2001:db8:2::/64 whose default route ({@code ip -6}) goes through
 * the balancer, which does not forward ({@code net.ipv6.conf.all.forwarding=0}): the backends'
 * replies to a client's IPv6 address reach the balancer only through the ip6tables/{@code ip -6
 * rule} TPROXY rules ({@link RoutingRules.Builder#ipv6()}).
 *
 * <p>The transport sets {@code IP_TRANSPARENT} (level SOL_IP) on its sockets, which Netty opens
 * as IPv6 sockets; {@link #ipTransparentAndIpv6TransparentAreOneFlagOnAnIpv6Socket} shows that
 * Linux takes it on an IPv6 socket as the same flag as {@code IPV6_TRANSPARENT}.
 */
@Privileged(tools = {"ip", "iptables", "ip6tables"})
class TransparentProxyIpv6Test {
  private TransparentTopology topology;

  @BeforeEach
  void topology() throws Exception {
    topology = TransparentTopology.create(Family.IPV6);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (topology != null) {
      topology.close();
    }
  }

  @Test
  void backendsSeeTheClientsRealIpv6Address() throws Exception {
    topology.startBalancer("ready", "apply", "--ipv6");

    List<Exchange> exchanges = topology.ask(2);

    Set<String> servers = new HashSet<>();
    for (Exchange exchange : exchanges) {
      assertThat(exchange.failed()).as(exchange.line()).isFalse();
      assertThat(exchange.seen()).as(exchange.line()).isInstanceOf(Inet6Address.class)
          .isEqualTo(exchange.source());
      servers.add(exchange.server());
    }
    assertThat(servers).containsExactlyInAnyOrder("be1", "be2");
  }

  @Test
  void usesrcClientKeepsTheClientsIpv6AddressAndPort() throws Exception {
    topology.startBalancer("ready", "apply", "--ipv6", "--source=client");

    List<Exchange> exchanges = topology.ask(1);

    for (Exchange exchange : exchanges) {
      assertThat(exchange.failed()).as(exchange.line()).isFalse();
      assertThat(exchange.seen()).as(exchange.line()).isEqualTo(exchange.source());
      assertThat(exchange.seenPort()).as(exchange.line()).isEqualTo(exchange.port());
    }
  }

  /** Without the IPv6 rules the replies are lost (no forwarding); with them the same balancer works. */
  @Test
  void withoutTheIpv6RulesTheBackendsRepliesDoNotComeBack() throws Exception {
    topology.startBalancer("ready", "unchecked");
    List<String> two = Family.IPV6.clients.subList(0, 2);

    List<Exchange> without = topology.ask(1, two);

    assertThat(without).allSatisfy(e -> assertThat(e.failed()).as(e.line()).isTrue());
    RoutingRules.builder().ipv6().runVia(topology.balancer().prefixed().toArray(new String[0]))
        .build().apply();
    assertThat(topology.balancer().exec("ip6tables-save", "-t", "mangle"))
        .contains("-A PREROUTING -p tcp -m socket -j DIVERT");
    List<Exchange> with = topology.ask(1, two);
    assertThat(with).allSatisfy(e -> {
      assertThat(e.failed()).as(e.line()).isFalse();
      assertThat(e.seen()).as(e.line()).isEqualTo(e.source());
    });
  }

  /**
   * A Netty epoll socket binds a client's IPv6 address (not local to the balancer) only with the
   * transparent flag, and {@code IP_TRANSPARENT} set at level SOL_IP reads back as {@code
   * IPV6_TRANSPARENT} and the other way round: one flag, so the transport needs no IPv6 option of
   * its own.
   */
  @Test
  void ipTransparentAndIpv6TransparentAreOneFlagOnAnIpv6Socket() throws Exception {
    String foreign = Family.IPV6.clients.get(0);
    var lb = topology.balancer();

    assertThat(topology.launch(lb, List.of(), System.getProperty("java.class.path"),
            TransparentBindProbe.class, foreign, "none"))
        .startsWith("failed:").contains("Cannot assign requested address");
    assertThat(topology.launch(lb, List.of(), System.getProperty("java.class.path"),
            TransparentBindProbe.class, foreign, "IP_TRANSPARENT"))
        .isEqualTo("bound 2001:db8:1:0:0:0:0:10 IP_TRANSPARENT=true IPV6_TRANSPARENT=1");
    assertThat(topology.launch(lb, List.of(), System.getProperty("java.class.path"),
            TransparentBindProbe.class, foreign, "IPV6_TRANSPARENT"))
        .isEqualTo("bound 2001:db8:1:0:0:0:0:10 IP_TRANSPARENT=true IPV6_TRANSPARENT=1");
  }
}
