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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two Steelyard routers on a bridge, each in its own namespace: the elections of the issue, on
 * real sockets. Host 0 is 198.51.100.1, host 1 198.51.100.2.
 */
@Privileged(tools = {"ip"})
class TwoRoutersTest {

  /**
   * The master is killed without a word (SIGKILL, no priority-0 advert): the backup takes the
   * address when its Master_Down_Interval runs out, not before.
   */
  @ParameterizedTest
  @EnumSource(Version.class)
  void aCrashedMasterIsReplacedWithinMasterDown(Version version) throws Exception {
    try (BridgedLan lan = BridgedLan.create(2);
        VrrpNode master = VrrpNode.start(lan.host(0), BridgedLan.IFACE, version.name(), "150")) {
      assertThat(master.awaitLine(Duration.ofSeconds(10), "BACKUP -> MASTER"))
          .as("%s", master.lines()).isTrue();
      VrrpInstance backup = start(lan, 1, Instances.steelyard(version, 100));
      try {
        Thread.sleep(Instances.masterDown(version).toMillis());
        assertThat(backup.state()).isEqualTo(State.BACKUP);
        assertThat(hasVip(lan.host(0))).isTrue();

        long crashed = System.nanoTime();
        master.crash();
        assertThat(await(Instances.masterDown(version).plusSeconds(1), () -> hasVip(lan.host(1))))
            .as("the backup takes over").isTrue();
        Duration took = Duration.ofNanos(System.nanoTime() - crashed);
        // Master_Down of priority 100: 3 intervals and a skew of 156/256 of one.
        Duration masterDown = version == Version.V3
            ? Duration.ofMillis(360) : Duration.ofMillis(3_609);
        assertThat(took).as("the backup waited for Master_Down, no priority 0 came")
            .isGreaterThan(masterDown.minus(masterDown.dividedBy(3)))
            .isLessThan(masterDown.plusMillis(500));
        assertThat(backup.state()).isEqualTo(State.MASTER);
      } finally {
        backup.close();
      }
    }
  }

  /** A graceful stop sends priority 0: the backup takes over after its skew time only. */
  @Test
  void aGracefulStopHandsOverWellUnderASecond() throws Exception {
    try (BridgedLan lan = BridgedLan.create(2)) {
      VrrpInstance master = start(lan, 0, Instances.steelyard(Version.V3, 150));
      VrrpInstance backup = start(lan, 1, Instances.steelyard(Version.V3, 100));
      try {
        assertThat(await(Duration.ofSeconds(5), () -> master.state() == State.MASTER)).isTrue();
        Thread.sleep(Instances.masterDown(Version.V3).toMillis());
        assertThat(backup.state()).isEqualTo(State.BACKUP);

        long stopped = System.nanoTime();
        master.close();
        assertThat(await(Duration.ofSeconds(1), () -> hasVip(lan.host(1)))).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - stopped))
            .isLessThan(Duration.ofMillis(300));
        assertThat(hasVip(lan.host(0))).isFalse();
      } finally {
        master.close();
        backup.close();
      }
    }
  }

  /**
   * A higher priority that comes up preempts the master, which removes the address on leaving
   * Master; with nopreempt it waits as backup instead (having removed the address a previous run
   * left).
   */
  @ParameterizedTest
  @EnumSource(names = {"PREEMPT", "NOPREEMPT"})
  void aHigherPriorityPreemptsUnlessNoPreempt(Mode mode) throws Exception {
    try (BridgedLan lan = BridgedLan.create(2)) {
      VrrpInstance low = start(lan, 0, Instances.steelyard(Version.V3, 100));
      VrrpInstance high = null;
      try {
        assertThat(await(Duration.ofSeconds(5), () -> low.state() == State.MASTER
            && hasVip(lan.host(0)))).isTrue();
        InstanceConfig.Builder highConfig = Instances.steelyard(Version.V3, 150);
        if (mode == Mode.NOPREEMPT) {
          highConfig.noPreempt();
        }
        // Host 1 starts with the address left over from an earlier run: it removes it at start.
        lan.host(1).addAddress(BridgedLan.IFACE, TwoHosts.VIP + "/32");
        high = start(lan, 1, highConfig);
        VrrpInstance later = high;
        if (mode == Mode.PREEMPT) {
          assertThat(await(Duration.ofSeconds(2), () -> later.state() == State.MASTER
              && hasVip(lan.host(1)) && low.state() == State.BACKUP)).isTrue();
          assertThat(await(Duration.ofSeconds(1), () -> !hasVip(lan.host(0))))
              .as("the old master removed the address on leaving Master").isTrue();
        } else {
          Thread.sleep(3 * Instances.masterDown(Version.V3).toMillis());
          assertThat(later.state()).isEqualTo(State.BACKUP);
          assertThat(low.state()).isEqualTo(State.MASTER);
          assertThat(hasVip(lan.host(1))).as("the leftover was removed").isFalse();
        }
      } finally {
        low.close();
        if (high != null) {
          high.close();
        }
      }
    }
  }

  enum Mode { PREEMPT, NOPREEMPT }

  /**
   * The seed's two configurations both say priority 100. A backup accepts a master of its own
   * priority whatever its address, so the tie is only broken between two masters: here the
   * bridge drops multicast at first, so both become master, and when it heals the lower address
   * steps down. Only the higher one holds the address then.
   */
  @Test
  void equalPrioritiesElectTheHigherAddressAndOnlyItHoldsTheVip() throws Exception {
    try (BridgedLan lan = BridgedLan.create(2)) {
      lan.dropMulticast();
      VrrpInstance lower = start(lan, 0, Instances.steelyard(Version.V3, 100));
      VrrpInstance higher = start(lan, 1, Instances.steelyard(Version.V3, 100));
      try {
        assertThat(await(Duration.ofSeconds(5), () -> lower.state() == State.MASTER
            && higher.state() == State.MASTER && hasVip(lan.host(0)) && hasVip(lan.host(1))))
            .as("two masters while the bridge drops the adverts").isTrue();

        lan.allowMulticast();
        assertThat(await(Duration.ofSeconds(2), () -> lower.state() == State.BACKUP
            && !hasVip(lan.host(0)))).as("the lower address steps down").isTrue();
        Thread.sleep(3 * Instances.masterDown(Version.V3).toMillis());
        assertThat(higher.state()).isEqualTo(State.MASTER);
        assertThat(lower.state()).isEqualTo(State.BACKUP);
        assertThat(hasVip(lan.host(1))).isTrue();
        assertThat(hasVip(lan.host(0))).isFalse();
      } finally {
        lower.close();
        higher.close();
      }
    }
  }

  private static VrrpInstance start(BridgedLan lan, int host, InstanceConfig.Builder config)
      throws Exception {
    InstanceConfig built = config.build();
    return InNamespace.call(lan.host(host), () -> VrrpInstance.start(built, BridgedLan.IFACE));
  }
}
