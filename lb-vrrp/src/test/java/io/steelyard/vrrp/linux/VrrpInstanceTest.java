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
import org.junit.jupiter.api.Test;

/**
 * Two Steelyard instances on two hosts elect the higher priority and fail over on close; the new
 * master's gratuitous ARPs reach the other host.
 */
@Privileged(tools = {"ip"})
class VrrpInstanceTest {

  private static InstanceConfig config(int priority) {
    return Instances.steelyard(Version.V2, priority).build();
  }

  @Test
  void higherPriorityIsElectedAndClosingHandsOverFast() throws Exception {
    List<Transition> onB = new CopyOnWriteArrayList<>();
    try (TwoHosts hosts = TwoHosts.create()) {
      // Let A learn the VIP's MAC address from gratuitous ARPs even without an entry for it.
      hosts.a.sysctl("net.ipv4.conf.vA.arp_accept", "1");
      String macOfB = hosts.b.exec("ip", "-o", "link", "show", "dev", "vB")
          .replaceAll("(?s).*link/ether (\\S+).*", "$1").strip();
      VrrpInstance a = InNamespace.call(hosts.a, () -> VrrpInstance.start(config(150), "vA"));
      VrrpInstance b = null;
      try {
        b = InNamespace.call(hosts.b, () -> VrrpInstance.start(config(100), "vB", onB::add));
        VrrpInstance backup = b;
        assertThat(await(Duration.ofSeconds(10), () -> a.state() == State.MASTER && hasVip(hosts.a)))
            .as("A (priority 150) is master with the VIP").isTrue();
        Thread.sleep(1_500);
        assertThat(backup.state()).isEqualTo(State.BACKUP);
        assertThat(a.state()).isEqualTo(State.MASTER);
        assertThat(hasVip(hosts.b)).isFalse();

        long closed = System.nanoTime();
        a.close();
        assertThat(hasVip(hosts.a)).as("A removed the VIP on close").isFalse();
        assertThat(await(Duration.ofSeconds(3), () -> backup.state() == State.MASTER
            && hasVip(hosts.b))).as("B takes over within 3 s").isTrue();
        long millis = (System.nanoTime() - closed) / 1_000_000;
        assertThat(millis).as("priority 0 makes the takeover fast").isLessThan(2_000);
        assertThat(onB.get(onB.size() - 1).reason()).isEqualTo(Reason.MASTER_STEPPED_DOWN);
        assertThat(await(Duration.ofSeconds(2), () -> hosts.a.exec("ip", "neigh", "show",
            TwoHosts.VIP, "dev", "vA").contains("lladdr " + macOfB)))
            .as("B's gratuitous ARPs point the VIP at B's MAC %s on A", macOfB).isTrue();
      } finally {
        a.close();
        if (b != null) {
          b.close();
        }
      }
    }
  }
}
