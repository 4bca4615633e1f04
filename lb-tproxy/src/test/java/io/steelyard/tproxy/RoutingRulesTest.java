package io.steelyard.tproxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.steelyard.lb.testing.NetworkNamespace;
import io.steelyard.lb.testing.Privileged;
import io.steelyard.tproxy.RoutingRules.Firewall;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The TPROXY rules, applied in a network namespace that the test creates and deletes. */
class RoutingRulesTest {

  @Test
  void printsTheSeedsCommands() {
    RoutingRules rules = RoutingRules.builder().firewall(Firewall.IPTABLES).build();

    assertThat(rules.commands())
        .containsExactly(
            "iptables -t mangle -N DIVERT",
            "iptables -t mangle -A PREROUTING -p tcp -m socket -j DIVERT",
            "iptables -t mangle -A DIVERT -j MARK --set-mark 1",
            "iptables -t mangle -A DIVERT -j ACCEPT",
            "ip -4 rule add fwmark 1 lookup 100",
            "ip -4 route add local 0.0.0.0/0 dev lo table 100");
  }

  @ParameterizedTest
  @EnumSource(Firewall.class)
  @Privileged(tools = {"ip", "iptables", "nft"})
  void appliesIdempotentlyVerifiesAndRemoves(Firewall firewall) throws Exception {
    try (NetworkNamespace ns = NetworkNamespace.create("rules")) {
      RoutingRules rules =
          RoutingRules.builder().firewall(firewall).ipv6().runVia("ip", "netns", "exec", ns.name()).build();
      assertThat(rules.missing()).hasSize(rules.commands().size());

      rules.apply();
      rules.apply();

      assertThat(rules.missing()).isEmpty();
      assertThat(ns.exec("ip", "rule", "list")).containsOnlyOnce("fwmark 0x1 lookup 100");
      assertThat(ns.exec("ip", "-6", "rule", "list")).containsOnlyOnce("fwmark 0x1 lookup 100");
      assertThat(ns.exec("ip", "route", "show", "table", "100")).contains("local default dev lo");
      if (firewall == Firewall.IPTABLES) {
        assertThat(ns.exec("iptables-save", "-t", "mangle"))
            .containsOnlyOnce("-A PREROUTING -p tcp -m socket -j DIVERT")
            .containsOnlyOnce("-A DIVERT -j MARK --set-xmark 0x1/0xffffffff")
            .containsOnlyOnce("-A DIVERT -j ACCEPT");
      } else {
        assertThat(ns.exec("nft", "list", "ruleset")).containsOnlyOnce("socket transparent 1");
      }

      rules.remove();
      assertThat(rules.missing()).hasSize(rules.commands().size());
      assertThat(ns.exec("ip", "rule", "list")).doesNotContain("lookup 100");
      assertThat(ns.exec("ip", "route", "show", "table", "all")).doesNotContain("table 100");
      if (firewall == Firewall.IPTABLES) {
        assertThat(ns.exec("iptables-save", "-t", "mangle")).doesNotContain("DIVERT");
      } else {
        assertThat(ns.exec("nft", "list", "ruleset")).doesNotContain("steelyard");
      }
    }
  }
}
