package io.steelyard.vrrp.state;

import static io.steelyard.vrrp.state.InstanceConfigTest.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.steelyard.vrrp.packet.Advertisement;
import io.steelyard.vrrp.packet.Version;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One machine, events in by hand, in simulated nanoseconds. */
class VrrpMachineTest {
  static final long MS = 1_000_000L;
  static final long S = 1_000 * MS;
  static final long US = 1_000L;
  static final Inet4Address SELF = ip("192.168.200.1");
  static final Inet4Address HIGHER = ip("192.168.200.2");
  static final Inet4Address LOWER = ip("192.168.199.250");
  static final Inet4Address VIP = ip("192.168.200.16");

  static InstanceConfig.Builder config() {
    return InstanceConfig.builder("VI_1").virtualRouterId(51).virtualAddress("192.168.200.16");
  }

  static VrrpMachine machine(InstanceConfig.Builder config) {
    return VrrpMachine.create(config.build(), SELF);
  }

  static Advertisement v2(int priority) {
    return Advertisement.v2(51, priority, 1, List.of(VIP));
  }

  static Advertisement v3(int priority, int centis) {
    return Advertisement.v3(51, priority, centis, List.of(VIP));
  }

  static List<Action> becameMaster(int priority, State from, Reason reason, String detail) {
    return List.of(new Action.SendAdvert(priority), new Action.AddAddresses(),
        new Action.SendGratuitousArps(5), new Transition(from, State.MASTER, reason, detail));
  }

  static long deadline(VrrpMachine machine) {
    return machine.nextDeadline().orElseThrow();
  }

  /** Starts as backup and becomes master by timeout, returning the time it did. */
  static long toMaster(VrrpMachine machine) {
    machine.start(0);
    long at = deadline(machine);
    machine.tick(at);
    assertThat(machine.state()).isEqualTo(State.MASTER);
    return at;
  }

  @Test
  void computesMasterDownAndSkewAsKeepalivedDoesInVrrpV2() {
    VrrpMachine p100 = machine(config());
    VrrpMachine p150 = machine(config().priority(150));
    VrrpMachine p254 = machine(config().priority(254));

    // Master_Down = 3 x advert + (256 - priority) / 256 s, in whole microseconds.
    assertThat(p100.skewTime()).isEqualTo(Duration.ofNanos(609_375 * US));
    assertThat(p100.masterDownInterval()).isEqualTo(Duration.ofNanos(3_609_375 * US));
    assertThat(p150.skewTime()).isEqualTo(Duration.ofNanos(414_062 * US));
    assertThat(p150.masterDownInterval()).isEqualTo(Duration.ofNanos(3_414_062 * US));
    assertThat(p254.skewTime()).isEqualTo(Duration.ofNanos(7_812 * US));
    assertThat(machine(config().advertInterval(Duration.ofSeconds(3))).masterDownInterval())
        .isEqualTo(Duration.ofNanos(9_609_375 * US));
  }

  @Test
  void computesMasterDownAndSkewFromTheMasterIntervalInVrrpV3() {
    VrrpMachine second = machine(config().version(Version.V3));
    VrrpMachine half = machine(config().version(Version.V3).advertInterval(Duration.ofMillis(500)));

    // Skew = (256 - priority) x Master_Adver_Interval / 256: 156 x 100 cs / 256 = 60.9375 cs.
    assertThat(second.skewTime()).isEqualTo(Duration.ofNanos(609_375 * US));
    assertThat(second.masterDownInterval()).isEqualTo(Duration.ofNanos(3_609_375 * US));
    assertThat(half.skewTime()).isEqualTo(Duration.ofNanos(304_687 * US));
    assertThat(half.masterDownInterval()).isEqualTo(Duration.ofNanos(1_804_687 * US));
  }

  @Test
  void backupStartsAndTakesOverAfterMasterDown() {
    VrrpMachine machine = machine(config());

    assertThat(machine.state()).isEqualTo(State.INITIALIZE);
    assertThat(machine.nextDeadline()).isEmpty();
    assertThat(machine.start(0)).containsExactly(
        new Transition(State.INITIALIZE, State.BACKUP, Reason.STARTED, ""));
    assertThat(deadline(machine)).isEqualTo(3_609_375 * US);
    assertThat(machine.tick(3_609_375 * US - 1)).isEmpty();
    assertThat(machine.state()).isEqualTo(State.BACKUP);
    assertThat(machine.tick(3_609_375 * US)).isEqualTo(becameMaster(
        100, State.BACKUP, Reason.MASTER_NO_RESPONSE, "no advert since start"));
  }

  @Test
  void masterAdvertisesEveryIntervalAndRepeatsGratuitousArpsAfterFiveSeconds() {
    VrrpMachine machine = machine(config());
    long t = toMaster(machine);
    List<String> timeline = new ArrayList<>();

    for (int i = 0; i < 8; i++) {
      long next = deadline(machine);
      timeline.add((next - t) / MS + "ms " + machine.tick(next));
    }

    assertThat(timeline).containsExactly(
        "1000ms [SendAdvert[priority=100]]",
        "2000ms [SendAdvert[priority=100]]",
        "3000ms [SendAdvert[priority=100]]",
        "4000ms [SendAdvert[priority=100]]",
        "5000ms [SendGratuitousArps[repeat=5], SendAdvert[priority=100]]",
        "6000ms [SendAdvert[priority=100]]",
        "7000ms [SendAdvert[priority=100]]",
        "8000ms [SendAdvert[priority=100]]");
  }

  @Test
  void aStateMasterInstanceBelow255TakesOverAfterOneIntervalAndTheMinimumSkew() {
    VrrpMachine machine = machine(config().state(State.MASTER).priority(100));

    assertThat(machine.start(0)).containsExactly(
        new Transition(State.INITIALIZE, State.BACKUP, Reason.STARTED, ""));
    assertThat(deadline(machine)).isEqualTo(1_003_906 * US);
    assertThat(machine.tick(1_003_906 * US)).isEqualTo(becameMaster(100, State.BACKUP,
        Reason.MASTER_NO_RESPONSE, "state MASTER, no advert within one interval of start"));

    VrrpMachine v3 = machine(
        config().version(Version.V3).advertInterval(Duration.ofMillis(500)).state(State.MASTER)
            .priority(100));
    v3.start(0);
    assertThat(deadline(v3)).isEqualTo(501_953 * US);
  }

  @Test
  void aStateMasterInstanceYieldsToABetterMasterThatSpeaksFirst() {
    VrrpMachine machine = machine(config().state(State.MASTER).priority(100));
    machine.start(0);

    assertThat(machine.advertReceived(500 * MS, HIGHER, v2(150))).isEmpty();
    assertThat(deadline(machine)).isEqualTo(500 * MS + 3_609_375 * US);
    assertThat(machine.tick(1_003_906 * US)).isEmpty();
    assertThat(machine.state()).isEqualTo(State.BACKUP);
  }

  @Test
  void aStateMasterInstancePreemptsALowerMaster() {
    VrrpMachine machine = machine(config().state(State.MASTER).priority(100));
    machine.start(0);

    assertThat(machine.advertReceived(500 * MS, HIGHER, v2(50))).isEmpty();
    assertThat(deadline(machine)).isEqualTo(1_003_906 * US);
    assertThat(machine.tick(1_003_906 * US)).isEqualTo(becameMaster(100, State.BACKUP,
        Reason.PREEMPTED, "192.168.200.2 priority 50, ours 100"));
  }

  @Test
  void theAddressOwnerBecomesMasterAtOnce() {
    VrrpMachine owner = machine(config().priority(255));

    assertThat(owner.start(7 * S)).isEqualTo(
        becameMaster(255, State.INITIALIZE, Reason.ADDRESS_OWNER, "priority 255"));
    assertThat(deadline(owner)).isEqualTo(8 * S);
    assertThat(owner.advertReceived(7 * S + MS, HIGHER, v2(254))).containsExactly(
        new Action.SendAdvert(255), new Action.SendGratuitousArps(5));
  }

  @Test
  void anOwnerConfiguredBackupWaitsLikeOne() {
    VrrpMachine owner = machine(config().priority(255).state(State.BACKUP));

    owner.start(0);

    assertThat(owner.state()).isEqualTo(State.BACKUP);
    assertThat(deadline(owner)).isEqualTo(3_003_906 * US);
  }

  @Test
  void twoOwnersMakeTheOneThatHearsTheOtherYield() {
    VrrpMachine owner = machine(config().priority(255));
    owner.start(0);

    assertThat(owner.advertReceived(S, LOWER, v2(255))).containsExactly(
        new Action.PriorityChange(255, 254),
        new Action.RemoveAddresses(),
        new Transition(State.MASTER, State.BACKUP, Reason.HIGHER_PRIORITY,
            "192.168.199.250 priority 255, ours 254"));
    assertThat(owner.effectivePriority()).isEqualTo(254);
  }

  @Test
  void aBackupTakesOverAfterItsSkewWhenTheMasterSendsPriorityZero() {
    VrrpMachine machine = machine(config());
    machine.start(0);
    machine.advertReceived(S, HIGHER, v2(150));
    assertThat(deadline(machine)).isEqualTo(S + 3_609_375 * US);

    assertThat(machine.advertReceived(2 * S, HIGHER, v2(0))).isEmpty();

    assertThat(deadline(machine)).isEqualTo(2 * S + 609_375 * US);
    assertThat(machine.tick(2 * S + 609_375 * US)).isEqualTo(becameMaster(100, State.BACKUP,
        Reason.MASTER_STEPPED_DOWN, "192.168.200.2 priority 0"));
  }

  @Test
  void aMasterAnswersPriorityZeroWithAnAdvert() {
    VrrpMachine machine = machine(config());
    long t = toMaster(machine);

    assertThat(machine.advertReceived(t + 300 * MS, HIGHER, v2(0)))
        .containsExactly(new Action.SendAdvert(100));
    assertThat(deadline(machine)).isEqualTo(t + 1_300 * MS);
    assertThat(machine.state()).isEqualTo(State.MASTER);
  }

  @Test
  void stoppingAMasterSendsPriorityZeroAndReleasesTheAddresses() {
    VrrpMachine machine = machine(config());
    long t = toMaster(machine);

    assertThat(machine.stop(t + S)).containsExactly(
        new Action.SendAdvert(0),
        new Action.RemoveAddresses(),
        new Transition(State.MASTER, State.STOP, Reason.STOPPED, ""));
    assertThat(machine.state()).isEqualTo(State.STOP);
    assertThat(machine.nextDeadline()).isEmpty();
    assertThat(machine.stop(t + 2 * S)).isEmpty();
    assertThat(machine.tick(t + 10 * S)).isEmpty();
    assertThat(machine.advertReceived(t + 3 * S, HIGHER, v2(150))).isEmpty();
    assertThatThrownBy(() -> machine.start(t + 4 * S))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("(VI_1) already started: STOP");
  }

  @Test
  void stoppingABackupOrAnUnstartedInstanceSendsNothing() {
    VrrpMachine backup = machine(config());
    backup.start(0);
    VrrpMachine unstarted = machine(config());

    assertThat(backup.stop(S)).containsExactly(
        new Transition(State.BACKUP, State.STOP, Reason.STOPPED, ""));
    assertThat(unstarted.stop(S)).containsExactly(
        new Transition(State.INITIALIZE, State.STOP, Reason.STOPPED, ""));
    assertThat(unstarted.advertReceived(S, HIGHER, v2(1))).isEmpty();
  }

  @Test
  void aBackupIgnoresLowerPriorityAdvertsAndPreempts() {
    VrrpMachine machine = machine(config().priority(150));
    machine.start(0);

    for (long t = 0; t < 3 * S; t += S) {
      assertThat(machine.advertReceived(t + 100 * MS, HIGHER, v2(100))).isEmpty();
    }

    assertThat(deadline(machine)).isEqualTo(3_414_062 * US);
    assertThat(machine.tick(3_414_062 * US)).isEqualTo(becameMaster(150, State.BACKUP,
        Reason.PREEMPTED, "192.168.200.2 priority 100, ours 150"));
  }

  @Test
  void aNoPreemptBackupKeepsTheLowerMaster() {
    VrrpMachine machine = machine(config().priority(150).noPreempt());
    machine.start(0);

    for (long t = 0; t < 60 * S; t += S) {
      machine.advertReceived(t + 100 * MS, HIGHER, v2(100));
      assertThat(machine.tick(t + S)).isEmpty();
    }

    assertThat(machine.state()).isEqualTo(State.BACKUP);
    assertThat(deadline(machine)).isEqualTo(59 * S + 100 * MS + 3_414_062 * US);
  }

  @Test
  void aPreemptDelayKeepsTheLowerMasterForThatLongAfterItsFirstAdvert() {
    VrrpMachine machine = machine(config().priority(150).preemptDelay(Duration.ofSeconds(10)));
    machine.start(0);

    long first = 2 * S;
    for (int k = 0; k <= 12; k++) {
      assertThat(machine.advertReceived(first + k * S, HIGHER, v2(100))).isEmpty();
      if (k < 10) {
        assertThat(deadline(machine)).isEqualTo(first + k * S + 3_414_062 * US);
      }
    }
    // Accepted at first + 0 .. 9 s; the advert at first + 10 s meets the end of the delay.
    assertThat(deadline(machine)).isEqualTo(first + 9 * S + 3_414_062 * US);
    assertThat(machine.tick(first + 9 * S + 3_414_062 * US)).isEqualTo(becameMaster(150,
        State.BACKUP, Reason.PREEMPTED, "192.168.200.2 priority 100, ours 150"));
  }

  @Test
  void aPreemptDelayStartsAgainAfterAnAdvertAtOurPriority() {
    VrrpMachine machine = machine(config().priority(150).preemptDelay(Duration.ofSeconds(10)));
    machine.start(0);

    machine.advertReceived(S, HIGHER, v2(100));
    machine.advertReceived(5 * S, HIGHER, v2(200));
    machine.advertReceived(6 * S, HIGHER, v2(100));
    machine.advertReceived(12 * S, HIGHER, v2(100));

    assertThat(deadline(machine)).isEqualTo(12 * S + 3_414_062 * US);
    machine.advertReceived(16 * S, HIGHER, v2(100));
    assertThat(deadline(machine)).isEqualTo(12 * S + 3_414_062 * US);
  }

  @Test
  void aBackupAcceptsEqualPriorityWhateverTheAddress() {
    VrrpMachine machine = machine(config());
    machine.start(0);

    machine.advertReceived(S, LOWER, v2(100));

    assertThat(deadline(machine)).isEqualTo(S + 3_609_375 * US);
  }

  @Test
  void equalPriorityMastersKeepTheHigherPrimaryAddress() {
    VrrpMachine machine = machine(config());
    long t = toMaster(machine);

    assertThat(machine.advertReceived(t + 10 * MS, LOWER, v2(100))).containsExactly(
        new Action.SendAdvert(100), new Action.SendGratuitousArps(5));
    assertThat(machine.advertReceived(t + 20 * MS, SELF, v2(100))).isEmpty();
    assertThat(machine.state()).isEqualTo(State.MASTER);
    assertThat(machine.advertReceived(t + 30 * MS, HIGHER, v2(100))).containsExactly(
        new Action.RemoveAddresses(),
        new Transition(State.MASTER, State.BACKUP, Reason.HIGHER_ADDRESS,
            "192.168.200.2 priority 100, ours 100"));
    assertThat(deadline(machine)).isEqualTo(t + 30 * MS + 3_609_375 * US);
  }

  @Test
  void comparesAddressesAsUnsignedNumbers() {
    VrrpMachine low = VrrpMachine.create(config().build(), ip("10.0.0.1"));
    low.start(0);
    low.tick(deadline(low));

    assertThat(low.advertReceived(5 * S, ip("200.0.0.1"), v2(100)))
        .contains(new Action.RemoveAddresses());
  }

  @Test
  void aMasterYieldsToAHigherPriority() {
    VrrpMachine machine = machine(config());
    long t = toMaster(machine);

    assertThat(machine.advertReceived(t + 10 * MS, LOWER, v2(101))).containsExactly(
        new Action.RemoveAddresses(),
        new Transition(State.MASTER, State.BACKUP, Reason.HIGHER_PRIORITY,
            "192.168.199.250 priority 101, ours 100"));
  }

  @Test
  void aMasterAnswersALowerPriorityWithAnAdvertAndArpsAndMoreArpsLater() {
    VrrpMachine machine = machine(config());
    long t = toMaster(machine);
    for (long s = 1; s <= 6; s++) {
      machine.tick(t + s * S);
    }
    long now = t + 6 * S + 500 * MS;

    assertThat(machine.advertReceived(now, HIGHER, v2(99))).containsExactly(
        new Action.SendAdvert(100), new Action.SendGratuitousArps(5));
    assertThat(deadline(machine)).isEqualTo(now + S);
    assertThat(machine.tick(now + S)).containsExactly(new Action.SendAdvert(100));
    assertThat(machine.tick(now + 5 * S)).containsExactly(
        new Action.SendGratuitousArps(5), new Action.SendAdvert(100));
  }

  @Test
  void vrrpV3BackupsLearnTheMastersInterval() {
    VrrpMachine machine = machine(config().version(Version.V3));
    machine.start(0);

    machine.advertReceived(S, HIGHER, v3(150, 50));

    assertThat(machine.masterAdvertInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(machine.masterDownInterval()).isEqualTo(Duration.ofNanos(1_804_687 * US));
    assertThat(deadline(machine)).isEqualTo(S + 1_804_687 * US);

    machine.advertReceived(2 * S, HIGHER, v3(150, 200));
    assertThat(deadline(machine)).isEqualTo(2 * S + 6_000 * MS + 1_218_750 * US);

    machine.tick(deadline(machine));
    assertThat(machine.state()).isEqualTo(State.MASTER);
    assertThat(machine.masterAdvertInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(machine.tick(deadline(machine))).containsExactly(new Action.SendAdvert(100));
  }

  @Test
  void aVrrpV3MasterLearnsTheIntervalOfTheMasterItYieldsTo() {
    VrrpMachine machine = machine(config().version(Version.V3));
    long t = toMaster(machine);

    machine.advertReceived(t + 10 * MS, HIGHER, v3(200, 25));

    assertThat(machine.masterAdvertInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(deadline(machine)).isEqualTo(t + 10 * MS + 750 * MS + 152_343 * US);
  }

  @Test
  void vrrpV2BackupsKeepTheirOwnInterval() {
    VrrpMachine machine = machine(config());
    machine.start(0);

    machine.advertReceived(S, HIGHER, Advertisement.v2(51, 150, 2, List.of(VIP)));

    assertThat(machine.masterAdvertInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(deadline(machine)).isEqualTo(S + 3_609_375 * US);
  }

  @Test
  void weightsMoveTheEffectivePriorityWithinOneTo254() {
    VrrpMachine machine = machine(config()
        .track(Track.of("up", 20)).track(Track.of("down", -30)));

    assertThat(machine.effectivePriority()).isEqualTo(100);
    assertThat(machine.trackResult(0, "up", false)).isEmpty();
    assertThat(machine.trackResult(0, "up", true))
        .containsExactly(new Action.PriorityChange(100, 120));
    assertThat(machine.trackResult(0, "down", true)).isEmpty();
    assertThat(machine.trackResult(0, "down", false))
        .containsExactly(new Action.PriorityChange(120, 90));
    assertThat(machine.trackResult(0, "down", false)).isEmpty();
    assertThat(machine.trackResult(0, "up", false))
        .containsExactly(new Action.PriorityChange(90, 70));

    VrrpMachine high = machine(config().priority(240).track(Track.of("a", 253)));
    high.trackResult(0, "a", true);
    assertThat(high.effectivePriority()).isEqualTo(254);
    VrrpMachine low = machine(config().priority(20).track(Track.of("a", -253)));
    low.trackResult(0, "a", false);
    assertThat(low.effectivePriority()).isEqualTo(1);
  }

  @Test
  void theOwnerIgnoresWeights() {
    VrrpMachine owner = machine(config().priority(255).track(Track.of("a", -100)));

    assertThat(owner.trackResult(0, "a", false)).isEmpty();
    assertThat(owner.effectivePriority()).isEqualTo(255);
  }

  @Test
  void countsRiseAndFallAsKeepalivedDoes() {
    VrrpMachine machine = machine(config().track(new Track("a", -10, 2, 3)));
    List<Integer> priorities = new ArrayList<>();
    boolean[] results = {true, false, false, false, true, true, false, true, false, false, true,
        false, false, false};

    for (boolean result : results) {
      machine.trackResult(0, "a", result);
      priorities.add(machine.effectivePriority());
    }

    // The first result decides; then 3 failures in a row take it down, 2 successes bring it up.
    assertThat(priorities).containsExactly(
        100, 100, 100, 90, 90, 100, 100, 100, 100, 100, 100, 100, 100, 90);
  }

  @Test
  void aFirstFailureTakesATrackDownAtOnce() {
    VrrpMachine machine = machine(config().track(new Track("a", -10, 5, 5)));

    assertThat(machine.trackResult(0, "a", false))
        .containsExactly(new Action.PriorityChange(100, 90));
  }

  @Test
  void aBackupTimerMovesWithItsSkewWhenThePriorityChanges() {
    VrrpMachine machine = machine(config().track(Track.of("a", 20)));
    machine.start(0);
    machine.advertReceived(S, HIGHER, v2(150));

    machine.trackResult(2 * S, "a", true);

    // Skew at 120 is 136/256 s = 531250 us instead of 609375 us.
    assertThat(deadline(machine)).isEqualTo(S + 3_531_250 * US);
    assertThat(machine.masterDownInterval()).isEqualTo(Duration.ofNanos(3_531_250 * US));
  }

  @Test
  void theStartAsMasterTimerDoesNotMoveWithThePriority() {
    VrrpMachine machine = machine(config().state(State.MASTER).priority(100)
        .track(Track.of("a", 20)));
    machine.start(0);

    machine.trackResult(100 * MS, "a", true);

    assertThat(deadline(machine)).isEqualTo(1_003_906 * US);
  }

  @Test
  void aWeightZeroTrackHoldsTheInstanceInFaultUntilItsFirstSuccess() {
    VrrpMachine machine = machine(config().track(new Track("svc", 0, 2, 3)));

    assertThat(machine.start(0)).containsExactly(new Transition(
        State.INITIALIZE, State.FAULT, Reason.TRACK_DOWN, "track 'svc' has not reported"));
    assertThat(machine.nextDeadline()).isEmpty();
    assertThat(machine.advertReceived(S, HIGHER, v2(0))).isEmpty();
    assertThat(machine.trackResult(2 * S, "svc", true)).containsExactly(new Transition(
        State.FAULT, State.BACKUP, Reason.TRACK_UP, "track 'svc' is up"));
    assertThat(deadline(machine)).isEqualTo(2 * S + 3_609_375 * US);
  }

  @Test
  void aWeightZeroTrackMeansFaultAfterFallFailures() {
    VrrpMachine machine = machine(config().track(new Track("svc", 0, 2, 3)));
    machine.trackResult(0, "svc", true);
    long t = toMaster(machine);

    assertThat(machine.trackResult(t + S, "svc", false)).isEmpty();
    assertThat(machine.trackResult(t + 2 * S, "svc", false)).isEmpty();
    assertThat(machine.trackResult(t + 3 * S, "svc", false)).containsExactly(
        new Action.SendAdvert(0),
        new Action.RemoveAddresses(),
        new Transition(State.MASTER, State.FAULT, Reason.TRACK_DOWN, "track 'svc' is down"));
    assertThat(machine.nextDeadline()).isEmpty();
    assertThat(machine.tick(t + 10 * S)).isEmpty();
    assertThat(machine.advertReceived(t + 4 * S, HIGHER, v2(50))).isEmpty();

    assertThat(machine.trackResult(t + 5 * S, "svc", true)).isEmpty();
    assertThat(machine.trackResult(t + 6 * S, "svc", true)).containsExactly(
        new Transition(State.FAULT, State.BACKUP, Reason.TRACK_UP, "track 'svc' is up"));
    assertThat(deadline(machine)).isEqualTo(t + 6 * S + 3_609_375 * US);
  }

  @Test
  void aBackupEntersFaultWithoutSending() {
    VrrpMachine machine = machine(config().track(Track.of("svc", 0)));
    machine.trackResult(0, "svc", true);
    machine.start(0);

    assertThat(machine.trackResult(S, "svc", false)).containsExactly(
        new Transition(State.BACKUP, State.FAULT, Reason.TRACK_DOWN, "track 'svc' is down"));
  }

  @Test
  void faultLastsWhileAnyWeightZeroTrackIsDown() {
    VrrpMachine machine = machine(config().track(Track.of("a", 0)).track(Track.of("b", 0)));
    machine.trackResult(0, "a", true);
    machine.trackResult(0, "b", false);

    assertThat(machine.start(0)).containsExactly(new Transition(
        State.INITIALIZE, State.FAULT, Reason.TRACK_DOWN, "track 'b' is down"));
    assertThat(machine.trackResult(S, "a", false)).isEmpty();
    assertThat(machine.trackResult(S, "b", true)).isEmpty();
    assertThat(machine.trackResult(S, "a", true)).containsExactly(
        new Transition(State.FAULT, State.BACKUP, Reason.TRACK_UP, "track 'a' is up"));
  }

  @Test
  void theOwnerLeavesFaultStraightToMaster() {
    VrrpMachine owner = machine(config().priority(255).track(Track.of("svc", 0)));
    owner.start(0);

    assertThat(owner.state()).isEqualTo(State.FAULT);
    assertThat(owner.trackResult(S, "svc", true)).isEqualTo(
        becameMaster(255, State.FAULT, Reason.TRACK_UP, "track 'svc' is up"));
  }

  @Test
  void aMasterWhoseInterfaceGoesDownGivesUpTheAddressesWithoutAnAdvert() {
    VrrpMachine machine = machine(config());
    long t = toMaster(machine);

    assertThat(machine.interfaceChanged(t + S, false)).containsExactly(
        new Action.RemoveAddresses(),
        new Transition(State.MASTER, State.FAULT, Reason.INTERFACE_DOWN, ""));
    assertThat(machine.nextDeadline()).isEmpty();
    assertThat(machine.interfaceChanged(t + 2 * S, false)).as("no change").isEmpty();
    assertThat(machine.advertReceived(t + 2 * S, HIGHER, v2(50))).isEmpty();

    assertThat(machine.interfaceChanged(t + 3 * S, true)).containsExactly(
        new Transition(State.FAULT, State.BACKUP, Reason.INTERFACE_UP, ""));
    assertThat(deadline(machine)).as("a normal election: Master_Down from now")
        .isEqualTo(t + 3 * S + 3_609_375 * US);
  }

  @Test
  void faultLastsWhileTheInterfaceOrAWeightZeroTrackIsDown() {
    VrrpMachine machine = machine(config().track(Track.of("svc", 0)));
    machine.trackResult(0, "svc", true);
    machine.interfaceChanged(0, false);

    assertThat(machine.start(0)).containsExactly(
        new Transition(State.INITIALIZE, State.FAULT, Reason.INTERFACE_DOWN, ""));
    assertThat(machine.trackResult(S, "svc", false)).isEmpty();
    assertThat(machine.interfaceChanged(2 * S, true)).as("the track is still down").isEmpty();
    assertThat(machine.interfaceChanged(3 * S, false)).isEmpty();
    assertThat(machine.trackResult(4 * S, "svc", true)).as("the interface is still down")
        .isEmpty();
    assertThat(machine.interfaceChanged(5 * S, true)).containsExactly(
        new Transition(State.FAULT, State.BACKUP, Reason.INTERFACE_UP, ""));
  }

  @Test
  void theOwnerBackFromAnInterfaceDownIsMasterAtOnce() {
    VrrpMachine owner = machine(config().priority(255));
    owner.start(0);
    owner.interfaceChanged(S, false);

    assertThat(owner.interfaceChanged(2 * S, true))
        .isEqualTo(becameMaster(255, State.FAULT, Reason.INTERFACE_UP, ""));
    owner.stop(3 * S);
    assertThat(owner.interfaceChanged(4 * S, false)).as("stopped").isEmpty();
  }

  @Test
  void trackResultsAfterStopAreIgnoredAndUnknownTracksRefused() {
    VrrpMachine machine = machine(config().track(Track.of("svc", -10)));
    machine.stop(0);

    assertThat(machine.trackResult(S, "svc", false)).isEmpty();
    assertThatThrownBy(() -> machine.trackResult(S, "other", true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("(VI_1) no track named 'other': [svc]");
  }

  @Test
  void survivesTheWrapOfTheNanoTimeScale() {
    VrrpMachine machine = machine(config());
    long start = Long.MAX_VALUE - S;

    machine.start(start);
    long takeover = deadline(machine);

    assertThat(takeover).isNegative();
    assertThat(machine.tick(start + 3 * S)).isEmpty();
    assertThat(machine.tick(takeover)).hasSize(4);
    assertThat(deadline(machine) - takeover).isEqualTo(S);
  }

  @Test
  void describesItself() {
    assertThat(machine(config())).hasToString("VrrpMachine(VI_1 INITIALIZE priority 100)");
    assertThat(new Transition(State.BACKUP, State.MASTER, Reason.STARTED, ""))
        .hasToString("BACKUP -> MASTER (STARTED)");
    assertThat(new Transition(State.MASTER, State.BACKUP, Reason.HIGHER_PRIORITY, "x"))
        .hasToString("MASTER -> BACKUP (HIGHER_PRIORITY: x)");
  }
}
