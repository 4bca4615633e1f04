package io.steelyard.vrrp.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.steelyard.lb.testing.Privileged;
import io.steelyard.lb.testing.WorldReadableClasspath;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An instance started without the capabilities it needs fails at once, naming the missing ones and
 * how to grant them, rather than at its first failover. The node runs as uid 65534 (nobody)
 * through {@code setpriv}, with only the given capabilities as ambient ones, from a copy of the
 * class path that nobody may read.
 */
@Privileged(tools = {"ip", "setpriv"})
class MissingCapabilitiesTest {
  private static WorldReadableClasspath classpath;

  @BeforeAll
  static void readableByNobody() throws IOException {
    classpath = WorldReadableClasspath.copy();
  }

  @AfterAll
  static void deleteTheCopy() {
    if (classpath != null) {
      classpath.close();
    }
  }

  /** As nobody, with {@code capabilities} (such as "+net_raw") ambient, or none if empty. */
  private static List<String> onlyCapabilities(String capabilities) {
    List<String> wrapper =
        new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
    if (!capabilities.isEmpty()) {
      wrapper.add("--inh-caps=" + capabilities);
      wrapper.add("--ambient-caps=" + capabilities);
    }
    return wrapper;
  }

  @Test
  void withoutCapabilitiesStartNamesBothAndHowToGrantThem() throws Exception {
    try (BridgedLan lan = BridgedLan.create(1);
        VrrpNode node = VrrpNode.start(lan.host(0), onlyCapabilities(""), classpath.classpath(),
            BridgedLan.IFACE, "V3", "100")) {
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
        VrrpNode node = VrrpNode.start(lan.host(0), onlyCapabilities("+net_raw"),
            classpath.classpath(), BridgedLan.IFACE, "V3", "100")) {
      assertThat(node.awaitLine(Duration.ofSeconds(20), "failed:")).as("%s", node.lines())
          .isTrue();
      assertThat(node.lines().get(0)).startsWith("failed: VRRP needs CAP_NET_ADMIN (for adding"
          + " and removing the virtual addresses), which this process does not have;");
    }
  }

  @Test
  void withBothCapabilitiesItRunsAndHoldsTheAddress() throws Exception {
    try (BridgedLan lan = BridgedLan.create(1);
        VrrpNode node = VrrpNode.start(lan.host(0), onlyCapabilities("+net_raw,+net_admin"),
            classpath.classpath(), BridgedLan.IFACE, "V3", "100")) {
      assertThat(node.awaitLine(Duration.ofSeconds(20), "BACKUP -> MASTER"))
          .as("%s", node.lines()).isTrue();
      assertThat(TwoHosts.await(Duration.ofSeconds(2), () -> TwoHosts.hasVip(lan.host(0))))
          .isTrue();
    }
  }
}
