package io.steelyard.vrrp.linux;

import io.steelyard.lb.testing.InNamespace;
import static io.steelyard.vrrp.linux.TwoHosts.await;
import static io.steelyard.vrrp.linux.TwoHosts.hasVip;
import static org.assertj.core.api.Assertions.assertThat;

import io.steelyard.lb.testing.Privileged;
import io.steelyard.vrrp.packet.Version;
import io.steelyard.vrrp.state.InstanceConfig;
import io.steelyard.vrrp.state.State;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two Steelyard instances with unicast peers on a bridge that drops every multicast datagram: they
 * elect the higher priority and fail over on close, which multicast adverts could not achieve
 * there; and nothing they send is multicast.
 */
@Privileged(tools = {"ip", "nft"})
class UnicastPeersTest {

  /** Host {@code self} of the LAN advertising to host {@code peer} by unicast. */
  static InstanceConfig unicastConfig(Version version, int self, int peer, int priority) {
    return Instances.steelyard(version, priority)
        .unicastSource(BridgedLan.address(self))
        .unicastPeer(BridgedLan.address(peer))
        .build();
  }

  @ParameterizedTest
  @EnumSource(Version.class)
  void electAndFailOverWhereMulticastIsDropped(Version version) throws Exception {
    try (BridgedLan lan = BridgedLan.create(2)) {
      lan.dropMulticast();
      VrrpInstance a = InNamespace.call(lan.host(0),
          () -> VrrpInstance.start(unicastConfig(version, 0, 1, 150), BridgedLan.IFACE));
      VrrpInstance b = null;
      try {
        b = InNamespace.call(lan.host(1),
            () -> VrrpInstance.start(unicastConfig(version, 1, 0, 100), BridgedLan.IFACE));
        VrrpInstance backup = b;
        assertThat(await(Duration.ofSeconds(10),
            () -> a.state() == State.MASTER && hasVip(lan.host(0))))
            .as("A (priority 150) is master with the VIP").isTrue();
        // Well past B's Master_Down_Interval: B hears A's unicast adverts.
        Thread.sleep(Instances.masterDown(version).toMillis());
        assertThat(backup.state()).isEqualTo(State.BACKUP);
        assertThat(a.state()).isEqualTo(State.MASTER);
        assertThat(hasVip(lan.host(1))).isFalse();

        a.close();
        assertThat(hasVip(lan.host(0))).as("A removed the VIP on close").isFalse();
        assertThat(await(Duration.ofSeconds(2), () -> backup.state() == State.MASTER
            && hasVip(lan.host(1)))).as("B takes over on A's priority-0 advert").isTrue();
        assertThat(lan.multicastDropped()).as("no advert went by multicast").isZero();
      } finally {
        a.close();
        if (b != null) {
          b.close();
        }
      }
    }
  }
}
