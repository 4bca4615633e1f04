package io.steelyard.vrrp.linux;

import io.steelyard.lb.testing.InNamespace;
import static io.steelyard.vrrp.linux.TwoHosts.await;
import static io.steelyard.vrrp.linux.TwoHosts.hasVip;
import static org.assertj.core.api.Assertions.assertThat;

import io.steelyard.lb.testing.NetworkNamespace;
import io.steelyard.lb.testing.Privileged;
import io.steelyard.vrrp.packet.Version;
import io.steelyard.vrrp.state.InstanceConfig;
import io.steelyard.vrrp.state.State;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Steelyard and keepalived (Debian's package) as the two routers of one virtual router on a
 * bridge, in VRRPv2 (one second, with a password) and VRRPv3 (100 ms), by multicast and by unicast
 * peers (the bridge then drops multicast): the higher priority wins whichever program it runs in,
 * and the other takes over when it crashes or stops. Host 0 runs keepalived, host 1 Steelyard.
 */
@Privileged(tools = {"ip", "nft", "keepalived"})
class KeepalivedInteropTest {
  @TempDir Path dir;

  static Stream<Arguments> versionsAndDeliveries() {
    return Stream.of(Arguments.of(Version.V2, false), Arguments.of(Version.V2, true),
        Arguments.of(Version.V3, false), Arguments.of(Version.V3, true));
  }

  @ParameterizedTest(name = "{0}, unicast {1}")
  @MethodSource("versionsAndDeliveries")
  void steelyardBacksUpKeepalivedAndTakesOverWhenItCrashes(Version version, boolean unicast)
      throws Exception {
    try (BridgedLan lan = lan(unicast);
        Keepalived keepalived = startKeepalived(lan, version, unicast, 150, "")) {
      VrrpInstance steelyard = startSteelyard(lan, version, unicast, 100);
      try {
        assertThat(await(Duration.ofSeconds(10), () -> hasVip(lan.host(0))))
            .as("keepalived (priority 150) holds the VIP; its log: %s", keepalived.log()).isTrue();
        Thread.sleep(Instances.masterDown(version).toMillis());
        assertThat(steelyard.state()).as("Steelyard accepts keepalived's adverts")
            .isEqualTo(State.BACKUP);
        assertThat(hasVip(lan.host(1))).isFalse();
        assertThat(hasVip(lan.host(0))).isTrue();

        keepalived.crash();
        assertThat(await(Instances.masterDown(version).plusSeconds(1),
            () -> steelyard.state() == State.MASTER && hasVip(lan.host(1))))
            .as("Steelyard takes over within Master_Down_Interval when keepalived dies").isTrue();
      } finally {
        steelyard.close();
      }
    }
  }

  @ParameterizedTest(name = "{0}, unicast {1}")
  @MethodSource("versionsAndDeliveries")
  void keepalivedBacksUpSteelyardAndTakesOverWhenItCloses(Version version, boolean unicast)
      throws Exception {
    try (BridgedLan lan = lan(unicast)) {
      // Host 1 learns the VIP's new MAC address from keepalived's gratuitous ARPs.
      lan.host(1).sysctl("net.ipv4.conf." + BridgedLan.IFACE + ".arp_accept", "1");
      VrrpInstance steelyard = startSteelyard(lan, version, unicast, 150);
      try (Keepalived keepalived = startKeepalived(lan, version, unicast, 100, "")) {
        assertThat(await(Duration.ofSeconds(10), () -> steelyard.state() == State.MASTER
            && hasVip(lan.host(1)))).as("Steelyard (priority 150) holds the VIP").isTrue();
        Thread.sleep(Instances.masterDown(version).toMillis());
        assertThat(hasVip(lan.host(0))).as("keepalived accepts Steelyard's adverts; its log: %s",
            keepalived.log()).isFalse();
        assertThat(steelyard.state()).isEqualTo(State.MASTER);
        assertThat(keepalived.log()).as("keepalived takes Steelyard's checksums as they are")
            .doesNotContainIgnoringCase("checksum");

        steelyard.close();
        assertThat(hasVip(lan.host(1))).isFalse();
        assertThat(await(Duration.ofSeconds(1), () -> hasVip(lan.host(0))))
            .as("keepalived takes over at once when Steelyard closes; its log: %s",
                keepalived.log()).isTrue();
        String macOfHost0 = mac(lan.host(0));
        assertThat(await(Duration.ofSeconds(2), () -> lan.host(1).exec("ip", "neigh", "show",
            TwoHosts.VIP, "dev", BridgedLan.IFACE).contains("lladdr " + macOfHost0)))
            .as("keepalived's gratuitous ARPs point the VIP at %s", macOfHost0).isTrue();
      } finally {
        steelyard.close();
      }
    }
  }

  /** A password mismatch splits the virtual router: each side drops the other's adverts. */
  @Test
  void noElectionAcrossAPasswordMismatch() throws Exception {
    try (BridgedLan lan = lan(false);
        Keepalived keepalived = Keepalived.start(lan.host(0), dir.resolve("keepalived"),
            Keepalived.config(BridgedLan.IFACE, 150, 2, "1", Keepalived.auth("other123")))) {
      VrrpInstance steelyard = startSteelyard(lan, Version.V2, false, 100);
      try {
        assertThat(await(Duration.ofSeconds(10), () -> hasVip(lan.host(0))
            && steelyard.state() == State.MASTER && hasVip(lan.host(1))))
            .as("both masters; keepalived's log: %s", keepalived.log()).isTrue();
        Thread.sleep(Instances.masterDown(Version.V2).toMillis());
        assertThat(steelyard.state()).isEqualTo(State.MASTER);
        assertThat(hasVip(lan.host(0))).as("keepalived stays master too").isTrue();
      } finally {
        steelyard.close();
      }
    }
  }

  private static BridgedLan lan(boolean unicast) throws Exception {
    BridgedLan lan = BridgedLan.create(2);
    if (unicast) {
      lan.dropMulticast();
    }
    return lan;
  }

  private Keepalived startKeepalived(BridgedLan lan, Version version, boolean unicast,
      int priority, String extra) throws Exception {
    String peers = unicast ? Keepalived.unicast(BridgedLan.address(0), BridgedLan.address(1)) : "";
    return Keepalived.start(lan.host(0), dir.resolve("keepalived"),
        Instances.keepalived(BridgedLan.IFACE, version, priority, peers + extra));
  }

  private static VrrpInstance startSteelyard(BridgedLan lan, Version version, boolean unicast,
      int priority) throws Exception {
    InstanceConfig.Builder config = Instances.steelyard(version, priority);
    if (unicast) {
      config.unicastSource(BridgedLan.address(1)).unicastPeer(BridgedLan.address(0));
    }
    InstanceConfig built = config.build();
    return InNamespace.call(lan.host(1), () -> VrrpInstance.start(built, BridgedLan.IFACE));
  }

  static String mac(NetworkNamespace ns) throws Exception {
    return ns.exec("ip", "-o", "link", "show", "dev", BridgedLan.IFACE)
        .replaceAll("(?s).*link/ether (\\S+).*", "$1").strip();
  }
}
