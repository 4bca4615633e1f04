package io.steelyard.tproxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.steelyard.lb.testing.Privileged;
import io.steelyard.tproxy.TransparentTopology.Exchange;
import io.steelyard.tproxy.TransparentTopology.Family;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The seed's transparent topology over IPv4 ({@link TransparentTopology}): a client on
 * 203.0.113.0/24, the balancer on both subnets, two backends on 198.51.100.0/24 whose default
 * gateway is the balancer. No namespace has a route out; the balancer does not forward, so the
 * backends' replies to the client's address reach it only through the TPROXY rules.
 */
@Privileged(tools = {"ip", "iptables"})
class TransparentProxyTest {
  private TransparentTopology topology;

  @BeforeEach
  void topology() throws Exception {
    topology = TransparentTopology.create(Family.IPV4);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (topology != null) {
      topology.close();
    }
  }

  @Test
  void backendsSeeTheRealClientAndClientsStayOnTheirServer() throws Exception {
    topology.startBalancer("ready", "apply");

    List<Exchange> exchanges = topology.ask(3);

    assertThat(exchanges).hasSize(3 * Family.IPV4.clients.size());
    Map<InetAddress, String> serverOf = new HashMap<>();
    Set<String> servers = new HashSet<>();
    for (Exchange exchange : exchanges) {
      assertThat(exchange.failed()).as(exchange.line()).isFalse();
      assertThat(exchange.seen())
          .as("the backend sees the client's own address: %s", exchange.line())
          .isEqualTo(exchange.source());
      String before = serverOf.putIfAbsent(exchange.source(), exchange.server());
      assertThat(exchange.server())
          .as("client %s stays on its server", exchange.source())
          .isEqualTo(before == null ? exchange.server() : before);
      servers.add(exchange.server());
    }
    assertThat(servers).as("leastconn spreads the clients").containsExactlyInAnyOrder("be1", "be2");
  }

  /**
   * A listener bound with IP_TRANSPARENT to an address that is not the balancer's (a VIP kept
   * elsewhere) takes the connections routed through the balancer to that address: the rules'
   * socket match finds the listener, as the seed's rules do with HAProxy.
   */
  @Test
  void acceptsConnectionsToAForeignDestination() throws Exception {
    topology.startBalancer("ready", "apply", "--bind=198.51.100.200:80");
    topology.client().exec("ip", "route", "add", "198.51.100.0/24", "via", Family.IPV4.frontend);

    List<Exchange> exchanges = topology.askAt("198.51.100.200", 1, Family.IPV4.clients.subList(0, 2));

    assertThat(exchanges).allSatisfy(exchange -> {
      assertThat(exchange.failed()).as(exchange.line()).isFalse();
      assertThat(exchange.seen()).as(exchange.line()).isEqualTo(exchange.source());
    });
  }

  @Test
  void transparentConnectionsAreSplicedWhenAsked() throws Exception {
    topology.startBalancer("ready", "apply", "--splice");
    Process balancer = topology.lastProcess();

    List<Exchange> exchanges = topology.ask(2);

    assertThat(exchanges).allSatisfy(exchange -> {
      assertThat(exchange.failed()).as(exchange.line()).isFalse();
      assertThat(exchange.seen()).as(exchange.line()).isEqualTo(exchange.source());
    });
    balancer.getOutputStream().close();
    assertThat(balancer.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    // Its standard error is copied by another thread: wait (5 s at most) for the last line.
    for (int i = 0; i < 50 && !topology.stderr(balancer).contains("spliced out"); i++) {
      Thread.sleep(100);
    }
    java.util.regex.Matcher counts = java.util.regex.Pattern.compile("out (\\d+) spliced out (\\d+)")
        .matcher(topology.stderr(balancer));
    assertThat(counts.find()).as(topology.stderr(balancer)).isTrue();
    assertThat(Long.parseLong(counts.group(1))).isPositive();
    assertThat(counts.group(2)).as("every answer byte spliced").isEqualTo(counts.group(1));
  }

  @Test
  void usesrcClientShowsTheBackendsTheClientsAddressAndPort() throws Exception {
    topology.startBalancer("ready", "apply", "--source=client");

    List<Exchange> exchanges = topology.ask(2);

    Set<Integer> ports = new HashSet<>();
    for (Exchange exchange : exchanges) {
      assertThat(exchange.failed()).as(exchange.line()).isFalse();
      assertThat(exchange.seen()).as("address: %s", exchange.line()).isEqualTo(exchange.source());
      assertThat(exchange.seenPort()).as("port: %s", exchange.line()).isEqualTo(exchange.port());
      ports.add(exchange.port());
    }
    assertThat(ports).as("the clients' ports vary, so the equality above is no accident").hasSizeGreaterThan(1);
  }

  /**
   * HAProxy's {@code source ADDR}: the balancer's own address on the backends' subnet (the one
   * the system would choose anyway) and an extra one it would not, which shows that the setting is
   * what decides.
   */
  @ParameterizedTest
  @ValueSource(strings = {"198.51.100.1", "198.51.100.3"})
  void aFixedSourceAddressIsWhatTheBackendsSee(String source) throws Exception {
    topology.balancer().addAddress("br0", "198.51.100.2/24");
    topology.balancer().addAddress("br0", "198.51.100.3/24");
    topology.startBalancer("ready", "apply", "--source=" + source);

    List<Exchange> exchanges = topology.ask(2);

    for (Exchange exchange : exchanges) {
      assertThat(exchange.failed()).as(exchange.line()).isFalse();
      assertThat(exchange.seen()).as(exchange.line()).isEqualTo(InetAddress.getByName(source));
    }
  }

  /**
   * The control that shows the topology proves something: without the routing rules (and without
   * the start-time check that would refuse to start) the backends' replies to the client's
   * address never reach the balancer, which does not forward; with them, the same balancer works.
   */
  @Test
  void withoutTheRulesTheBackendsRepliesDoNotComeBack() throws Exception {
    topology.startBalancer("ready", "unchecked");
    List<String> two = Family.IPV4.clients.subList(0, 2);

    List<Exchange> without = topology.ask(1, two);

    assertThat(without).allSatisfy(e -> assertThat(e.failed()).as(e.line()).isTrue());
    RoutingRules.builder().runVia(topology.balancer().prefixed().toArray(new String[0])).build().apply();
    List<Exchange> with = topology.ask(1, two);
    assertThat(with).allSatisfy(e -> {
      assertThat(e.failed()).as(e.line()).isFalse();
      assertThat(e.seen()).as(e.line()).isEqualTo(e.source());
    });
  }

  @Test
  void withoutTheRoutingRulesStartFailsSayingWhy() throws Exception {
    String line = topology.startBalancer("failed", "none");

    assertThat(line)
        .contains("the TPROXY routing rules are not in place")
        .contains("iptables -t mangle -A PREROUTING -p tcp -m socket -j DIVERT");
    assertThat(topology.balancer().exec("iptables-save", "-t", "mangle")).doesNotContain("DIVERT");
  }

  @Test
  void theRulesAreGoneAfterTheBalancerStops() throws Exception {
    topology.startBalancer("ready", "apply");
    assertThat(topology.balancer().exec("iptables-save", "-t", "mangle")).contains("DIVERT");

    Process lb = topology.lastProcess();
    lb.getOutputStream().close();
    assertThat(lb.waitFor(10, TimeUnit.SECONDS)).isTrue();

    assertThat(topology.balancer().exec("iptables-save", "-t", "mangle")).doesNotContain("DIVERT");
    assertThat(topology.balancer().exec("ip", "rule", "list")).doesNotContain("lookup 100");
  }
}
