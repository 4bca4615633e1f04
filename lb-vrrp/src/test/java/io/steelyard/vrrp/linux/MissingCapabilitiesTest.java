package io.steelyard.vrrp.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.steelyard.lb.testing.Privileged;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An instance started without the capabilities it needs fails at once, naming the missing ones and
 * how to grant them, rather than at its first failover. The node runs through {@code setpriv} with
 * every capability but those given dropped from its bounding set, so that even uid 0 has no others
 * after {@code exec}. (A process that is not root lacks them the same way; it runs as root here
 * because Maven's class path under {@code /root} is readable by root only.)
 */
@Privileged(tools = {"ip", "setpriv"})
class MissingCapabilitiesTest {

  private static List<String> onlyCapabilities(String capabilities) {
    return List.of("setpriv", "--inh-caps=-all", "--ambient-caps=-all",
        "--bounding-set=-all" + capabilities);
  }

  @Test
  void withoutCapabilitiesStartNamesBothAndHowToGrantThem() throws Exception {
    try (BridgedLan lan = BridgedLan.create(1);
        VrrpNode node = VrrpNode.start(lan.host(0), onlyCapabilities(""), BridgedLan.IFACE, "V3",
            "100")) {
      assertThat(node.awaitLine(Duration.ofSeconds(20), "failed:")).as("%s", node.lines())
          .isTrue();
      assertThat(node.lines().get(0))
          .isEqualTo("failed: VRRP needs CAP_NET_RAW (for the raw VRRP socket and the gratuitous"
              + " ARPs) and CAP_NET_ADMIN (for adding and removing the virtual addresses), which"
              + " this process does not have; " + Capabilities.HOW)
          .contains("AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN");
      assertThat(node.exitedWithin(Duration.ofSeconds(10))).isTrue();
    }
  }

  @Test
  void withCapNetRawAloneStartNamesCapNetAdmin() throws Exception {
    try (BridgedLan lan = BridgedLan.create(1);
        VrrpNode node = VrrpNode.start(lan.host(0), onlyCapabilities(",+net_raw"),
            BridgedLan.IFACE, "V3", "100")) {
      assertThat(node.awaitLine(Duration.ofSeconds(20), "failed:")).as("%s", node.lines())
          .isTrue();
      assertThat(node.lines().get(0)).startsWith("failed: VRRP needs CAP_NET_ADMIN (for adding"
          + " and removing the virtual addresses), which this process does not have;");
    }
  }

  @Test
  void withBothCapabilitiesItRunsAndHoldsTheAddress() throws Exception {
    try (BridgedLan lan = BridgedLan.create(1);
        VrrpNode node = VrrpNode.start(lan.host(0), onlyCapabilities(",+net_raw,+net_admin"),
            BridgedLan.IFACE, "V3", "100")) {
      assertThat(node.awaitLine(Duration.ofSeconds(20), "BACKUP -> MASTER"))
          .as("%s", node.lines()).isTrue();
      assertThat(TwoHosts.await(Duration.ofSeconds(2), () -> TwoHosts.hasVip(lan.host(0))))
          .isTrue();
    }
  }
}
