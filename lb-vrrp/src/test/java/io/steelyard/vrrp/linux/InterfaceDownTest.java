package io.steelyard.vrrp.linux;

import io.steelyard.lb.testing.InNamespace;
import static io.steelyard.vrrp.linux.TwoHosts.await;
import static io.steelyard.vrrp.linux.TwoHosts.hasVip;
import static org.assertj.core.api.Assertions.assertThat;

import io.steelyard.lb.testing.Privileged;
import io.steelyard.vrrp.packet.Version;
import io.steelyard.vrrp.state.InstanceConfig;
import io.steelyard.vrrp.state.Reason;
import io.steelyard.vrrp.state.State;
import io.steelyard.vrrp.state.Transition;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * As in keepalived, the master's interface going down, or losing its carrier, puts it in Fault:
 * it gives up the address and the backup takes over; when the link is back it returns as Backup,
 * and being the higher priority, wins the election again.
 */
@Privileged(tools = {"ip"})
class InterfaceDownTest {

  enum LinkLoss { ADMIN_DOWN, CARRIER_LOST }

  @ParameterizedTest
  @EnumSource(LinkLoss.class)
  void theMasterFaultsWhileItsLinkIsDown(LinkLoss loss) throws Exception {
    List<Transition> onA = new CopyOnWriteArrayList<>();
    try (BridgedLan lan = BridgedLan.create(2)) {
      InstanceConfig high = Instances.steelyard(Version.V3, 150).build();
      InstanceConfig low = Instances.steelyard(Version.V3, 100).build();
      VrrpInstance a = InNamespace.call(lan.host(0),
          () -> VrrpInstance.start(high, BridgedLan.IFACE, onA::add));
      VrrpInstance b = InNamespace.call(lan.host(1),
          () -> VrrpInstance.start(low, BridgedLan.IFACE));
      try {
        assertThat(await(Duration.ofSeconds(5), () -> a.state() == State.MASTER
            && hasVip(lan.host(0)))).isTrue();
        Thread.sleep(Instances.masterDown(Version.V3).toMillis());
        assertThat(b.state()).isEqualTo(State.BACKUP);

        link(lan, loss, false);
        assertThat(await(Duration.ofSeconds(2), () -> a.state() == State.FAULT
            && !hasVip(lan.host(0)))).as("A faults and gives up the address").isTrue();
        assertThat(onA.get(onA.size() - 1).reason()).isEqualTo(Reason.INTERFACE_DOWN);
        assertThat(await(Duration.ofSeconds(2), () -> b.state() == State.MASTER
            && hasVip(lan.host(1)))).as("B takes over").isTrue();

        link(lan, loss, true);
        assertThat(await(Duration.ofSeconds(3), () -> a.state() == State.MASTER
            && hasVip(lan.host(0)) && b.state() == State.BACKUP))
            .as("A is back, and preempts B: %s", onA).isTrue();
        assertThat(onA).extracting(Transition::reason)
            .containsSubsequence(Reason.INTERFACE_DOWN, Reason.INTERFACE_UP, Reason.PREEMPTED);
        assertThat(await(Duration.ofSeconds(1), () -> !hasVip(lan.host(1)))).isTrue();
      } finally {
        a.close();
        b.close();
      }
    }
  }

  private static void link(BridgedLan lan, LinkLoss loss, boolean up) throws Exception {
    if (loss == LinkLoss.ADMIN_DOWN) {
      lan.host(0).exec("ip", "link", "set", "dev", BridgedLan.IFACE, up ? "up" : "down");
    } else {
      lan.plug(0, up);
    }
  }
}
