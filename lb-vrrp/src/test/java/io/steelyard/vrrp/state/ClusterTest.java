package io.steelyard.vrrp.state;

import static io.steelyard.vrrp.state.InstanceConfigTest.ip;
import static io.steelyard.vrrp.state.Lan.LATENCY;
import static io.steelyard.vrrp.state.Lan.MS;
import static io.steelyard.vrrp.state.Lan.S;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.steelyard.vrrp.packet.Version;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Routers on a simulated LAN, each the real codec, filter and state machine, in simulated time:
 * who becomes master, when to the microsecond, and why.
 */
class ClusterTest {
  static final long US = 1_000L;
  /** Master_Down_Interval in VRRPv2 at 1 s for priorities 150 and 100. */
  static final long DOWN_150 = 3_414_062 * US;
  static final long DOWN_100 = 3_609_375 * US;
  static final long SKEW_100 = 609_375 * US;

  final Lan lan = new Lan();

  static InstanceConfig.Builder vi(int priority) {
    return vi3(priority).authPass("secret12");
  }

  /** Without the password, which VRRPv3 does not have. */
  static InstanceConfig.Builder vi3(int priority) {
    return InstanceConfig.builder("VI_1").virtualRouterId(51).priority(priority)
        .virtualAddress("192.168.200.16/24");
  }

  Lan.Router a;
  Lan.Router b;

  void twoRouters(InstanceConfig.Builder first, InstanceConfig.Builder second) {
    a = lan.router("A", first.build(), ip("192.168.200.2"));
    b = lan.router("B", second.build(), ip("192.168.200.3"));
  }

  @Test
  void twoBackupsElectTheHigherPriorityAfterItsMasterDown() {
    twoRouters(vi(150), vi(100));
    a.start();
    b.start();

    lan.runUntil(60 * S);

    assertThat(lan.holders()).containsExactly(a);
    assertThat(a.lastTransitionTo(State.MASTER)).isEqualTo(DOWN_150);
    assertThat(a.heard).containsExactly(
        new Transition(State.INITIALIZE, State.BACKUP, Reason.STARTED, ""),
        new Transition(State.BACKUP, State.MASTER, Reason.MASTER_NO_RESPONSE,
            "no advert since start"));
    assertThat(b.heard).containsExactly(
        new Transition(State.INITIALIZE, State.BACKUP, Reason.STARTED, ""));
    assertThat(a.arps).isEqualTo(10);
  }

  @Test
  void aBackupTakesOverMasterDownAfterTheLastAdvertOfACrashedMaster() {
    twoRouters(vi(150), vi(100));
    a.start();
    b.start();
    lan.runUntil(10 * S);

    a.crash();
    lan.runUntil(30 * S);

    long lastAdvert = DOWN_150 + 6 * S;
    assertThat(b.lastTransitionTo(State.MASTER)).isEqualTo(lastAdvert + LATENCY + DOWN_100);
    assertThat(b.heard.get(b.heard.size() - 1)).isEqualTo(new Transition(State.BACKUP,
        State.MASTER, Reason.MASTER_NO_RESPONSE, "last advert from 192.168.200.2 priority 150"));
    assertThat(lan.holders()).containsExactly(b);
  }

  @Test
  void aStoppedMasterIsReplacedAfterTheBackupsSkewOnly() {
    twoRouters(vi(150), vi(100));
    a.start();
    b.start();
    lan.runUntil(10 * S);

    a.stop();
    assertThat(a.holds).isFalse();
    lan.runUntil(30 * S);

    assertThat(a.heard.get(a.heard.size() - 1))
        .isEqualTo(new Transition(State.MASTER, State.STOP, Reason.STOPPED, ""));
    assertThat(b.lastTransitionTo(State.MASTER)).isEqualTo(10 * S + LATENCY + SKEW_100);
    assertThat(b.heard.get(b.heard.size() - 1).reason()).isEqualTo(Reason.MASTER_STEPPED_DOWN);
    assertThat(lan.holders()).containsExactly(b);
  }

  @Test
  void theHigherPriorityPreemptsWhenItComesBack() {
    twoRouters(vi(150), vi(100));
    a.start();
    b.start();
    lan.runUntil(10 * S);
    a.crash();
    lan.runUntil(20 * S);

    a.start();
    lan.runUntil(60 * S);

    assertThat(a.lastTransitionTo(State.MASTER)).isEqualTo(20 * S + DOWN_150);
    assertThat(a.heard.get(a.heard.size() - 1).reason()).isEqualTo(Reason.PREEMPTED);
    assertThat(b.lastTransitionTo(State.BACKUP)).isEqualTo(20 * S + DOWN_150 + LATENCY);
    assertThat(b.heard.get(b.heard.size() - 1)).isEqualTo(new Transition(State.MASTER,
        State.BACKUP, Reason.HIGHER_PRIORITY, "192.168.200.2 priority 150, ours 100"));
    assertThat(lan.holders()).containsExactly(a);
  }

  @Test
  void aReloadedMasterStaysMasterUntilItsNewPriorityIsOutranked() {
    twoRouters(vi(150), vi(100));
    a.start();
    b.start();
    lan.runUntil(10 * S);
    int transitions = a.heard.size();

    a.reconfigure(vi(120).build());
    lan.runUntil(30 * S);
    assertThat(a.heard).as("no transition: 120 still outranks 100").hasSize(transitions);
    assertThat(a.machine.effectivePriority()).isEqualTo(120);
    assertThat(lan.holders()).containsExactly(a);

    a.reconfigure(vi(80).build());
    lan.runUntil(40 * S);
    assertThat(lan.holders()).containsExactly(b);
    assertThat(a.heard.get(a.heard.size() - 1)).isEqualTo(new Transition(State.MASTER,
        State.BACKUP, Reason.HIGHER_PRIORITY, "192.168.200.3 priority 100, ours 80"));
    assertThat(b.heard.get(b.heard.size() - 1).reason()).isEqualTo(Reason.PREEMPTED);
  }

  @Test
  void aReloadedMasterChangesItsAddressesOnTheInterfaceAndABackupOnlyItsList() {
    twoRouters(vi(150), vi(100));
    a.start();
    b.start();
    lan.runUntil(10 * S);
    int arps = a.arps;

    a.reconfigure(vi(150).virtualAddress("192.168.200.17/24").build());
    b.reconfigure(vi(100).virtualAddress("192.168.200.17/24").build());
    lan.runUntil(30 * S);

    assertThat(lan.steps).filteredOn(step -> step.what() instanceof Action.ChangeAddresses)
        .extracting(Lan.Step::router, step -> ((Action.ChangeAddresses) step.what()).added().size())
        .containsExactly(tuple("A", 1));
    assertThat(a.arps - arps).isGreaterThanOrEqualTo(VrrpMachine.GARP_REPEAT);
    assertThat(lan.holders()).containsExactly(a);
    assertThat(b.state()).isEqualTo(State.BACKUP);
  }

  @Test
  void aReloadedTrackKeepsItsResultUnderItsNewWeightAndARemovedOneNoLongerCounts() {
    twoRouters(vi(150).track(Track.of("svc", -60)), vi(100));
    a.start();
    b.start();
    lan.runUntil(10 * S);
    a.track("svc", false);
    lan.runUntil(20 * S);
    assertThat(lan.holders()).as("150 - 60 = 90 < 100").containsExactly(b);

    a.reconfigure(vi(150).track(Track.of("svc", -30)).build());
    assertThat(a.machine.effectivePriority()).as("still down, now -30").isEqualTo(120);
    lan.runUntil(30 * S);
    assertThat(lan.holders()).containsExactly(a);

    a.reconfigure(vi(150).track(Track.of("svc", -30)).track(Track.of("new", -100)).build());
    assertThat(a.machine.effectivePriority()).as("a new track counts once it reports").isEqualTo(120);
    a.track("new", false);
    lan.runUntil(40 * S);
    assertThat(lan.holders()).containsExactly(b);

    a.reconfigure(vi(150).build());
    assertThat(a.machine.effectivePriority()).as("no track any more").isEqualTo(150);
    lan.runUntil(50 * S);
    assertThat(lan.holders()).containsExactly(a);
  }

  @Test
  void aFaultHeldByARemovedTrackEndsWithTheReload() {
    twoRouters(vi(150).track(new Track("svc", 0, 1, 1)), vi(100));
    a.start();
    b.start();
    a.track("svc", false);
    lan.runUntil(10 * S);
    assertThat(a.state()).isEqualTo(State.FAULT);

    a.reconfigure(vi(150).build());
    lan.runUntil(20 * S);
    assertThat(a.heard.get(a.heard.size() - 1).to()).isEqualTo(State.MASTER);
    assertThat(lan.holders()).containsExactly(a);
  }

  @Test
  void whatCannotChangeInPlaceIsRefusedAndNothingChanges() {
    twoRouters(vi(150), vi(100));
    a.start();
    assertThatThrownBy(
            () -> a.reconfigure(InstanceConfig.builder("VI_1").virtualRouterId(52).priority(120)
                .authPass("secret12").virtualAddress("192.168.200.16/24")
                .advertInterval(Duration.ofSeconds(2)).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("(VI_1) cannot change in place: virtual_router_id, advert_int");
    assertThat(a.machine.effectivePriority()).isEqualTo(150);
  }

  @Test
  void withNoPreemptTheHigherPriorityStaysBackup() {
    twoRouters(vi(150).noPreempt(), vi(100));
    a.start();
    b.start();
    lan.runUntil(10 * S);
    a.crash();
    lan.runUntil(20 * S);

    a.start();
    lan.runUntil(120 * S);

    assertThat(a.state()).isEqualTo(State.BACKUP);
    assertThat(lan.holders()).containsExactly(b);
  }

  @Test
  void withAPreemptDelayTheHigherPriorityWaitsThatLongFromTheFirstAdvert() {
    twoRouters(vi(150).preemptDelay(Duration.ofSeconds(10)), vi(100));
    a.start();
    b.start();
    lan.runUntil(10 * S);
    a.crash();
    lan.runUntil(20 * S);
    long bMaster = b.lastTransitionTo(State.MASTER);

    a.start();
    lan.runUntil(60 * S);

    long firstAdvert = bMaster + 7 * S + LATENCY;
    assertThat(firstAdvert).isBetween(20 * S, 21 * S);
    assertThat(a.lastTransitionTo(State.MASTER)).isEqualTo(firstAdvert + 9 * S + DOWN_150);
    assertThat(lan.holders()).containsExactly(a);
  }

  @Test
  void equalPrioritiesKeepTheHigherPrimaryAddress() {
    twoRouters(vi(100), vi(100));
    a.start();
    b.start();

    lan.runUntil(30 * S);

    assertThat(a.lastTransitionTo(State.MASTER)).isEqualTo(DOWN_100);
    assertThat(b.lastTransitionTo(State.MASTER)).isEqualTo(DOWN_100);
    assertThat(a.lastTransitionTo(State.BACKUP)).isEqualTo(DOWN_100 + LATENCY);
    assertThat(a.heard.get(a.heard.size() - 1)).isEqualTo(new Transition(State.MASTER,
        State.BACKUP, Reason.HIGHER_ADDRESS, "192.168.200.3 priority 100, ours 100"));
    assertThat(lan.holders()).containsExactly(b);
  }

  @Test
  void theAddressOwnerTakesOverAtOnce() {
    twoRouters(vi(100), vi(255));
    a.start();
    lan.runUntil(20 * S);

    b.start();
    lan.runUntil(40 * S);

    assertThat(b.heard).containsExactly(new Transition(State.INITIALIZE, State.MASTER,
        Reason.ADDRESS_OWNER, "priority 255"));
    assertThat(b.lastTransitionTo(State.MASTER)).isEqualTo(20 * S);
    assertThat(a.lastTransitionTo(State.BACKUP)).isEqualTo(20 * S + LATENCY);
    assertThat(lan.holders()).containsExactly(b);
  }

  @Test
  void aStateMasterInstanceTakesOverAloneAfterOneIntervalButYieldsToABetterMaster() {
    twoRouters(vi(150), vi(100).state(State.MASTER));
    b.start();
    lan.runUntil(10 * S);
    assertThat(b.lastTransitionTo(State.MASTER)).isEqualTo(1_003_906 * US);

    b.crash();
    a.start();
    lan.runUntil(20 * S);
    b.start();
    lan.runUntil(40 * S);

    assertThat(b.state()).isEqualTo(State.BACKUP);
    assertThat(lan.holders()).containsExactly(a);
  }

  @Test
  void vrrpV3BackupsTimeOutOnTheIntervalTheMasterAdvertises() {
    twoRouters(
        vi3(150).version(Version.V3).advertInterval(Duration.ofMillis(500)),
        vi3(100).version(Version.V3));
    a.start();
    b.start();
    lan.runUntil(10 * S);
    assertThat(b.machine.masterAdvertInterval()).isEqualTo(Duration.ofMillis(500));

    a.crash();
    lan.runUntil(30 * S);

    // A: 1.5 s + 106 x 50 cs / 256 = 1.707031 s; B then waits 1.5 s + 156 x 50 cs / 256.
    long aMaster = 1_707_031 * US;
    assertThat(a.lastTransitionTo(State.MASTER)).isEqualTo(aMaster);
    assertThat(b.lastTransitionTo(State.MASTER))
        .isEqualTo(aMaster + 16 * 500 * MS + LATENCY + 1_804_687 * US);
    assertThat(b.machine.masterAdvertInterval()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aFailingWeightedCheckHandsTheAddressesOverAndItsRecoveryTakesThemBack() {
    twoRouters(vi(150).track(Track.of("svc", -60)), vi(100));
    a.start();
    b.start();
    lan.runUntil(10_500 * MS);

    a.track("svc", false);
    lan.runUntil(30 * S);
    long bMaster = b.lastTransitionTo(State.MASTER);
    assertThat(bMaster).isEqualTo(DOWN_150 + 7 * S + LATENCY + DOWN_100);
    assertThat(b.heard.get(b.heard.size() - 1).reason()).isEqualTo(Reason.PREEMPTED);
    assertThat(a.heard.get(a.heard.size() - 1)).isEqualTo(new Transition(State.MASTER,
        State.BACKUP, Reason.HIGHER_PRIORITY, "192.168.200.3 priority 100, ours 90"));

    a.track("svc", true);
    lan.runUntil(60 * S);

    assertThat(a.lastTransitionTo(State.MASTER)).isEqualTo(bMaster + 15 * S + LATENCY + DOWN_150);
    assertThat(lan.holders()).containsExactly(a);
    assertThat(lan.steps).filteredOn(step -> step.what() instanceof Action.PriorityChange)
        .extracting(Lan.Step::what).containsExactly(
            new Action.PriorityChange(150, 90), new Action.PriorityChange(90, 150));
  }

  @Test
  void aWeightZeroCheckFaultsTheMasterAfterFallFailures() {
    twoRouters(vi(150).track(new Track("svc", 0, 1, 2)), vi(100));
    a.start();
    a.track("svc", true);
    b.start();
    lan.runUntil(10_200 * MS);

    a.track("svc", false);
    assertThat(a.state()).isEqualTo(State.MASTER);
    lan.runUntil(10_700 * MS);
    a.track("svc", false);
    assertThat(a.state()).isEqualTo(State.FAULT);
    assertThat(a.holds).isFalse();
    lan.runUntil(20 * S);
    assertThat(b.lastTransitionTo(State.MASTER)).isEqualTo(10_700 * MS + LATENCY + SKEW_100);

    a.track("svc", true);
    lan.runUntil(40 * S);

    assertThat(a.heard).extracting(Transition::to).containsExactly(
        State.FAULT, State.BACKUP, State.MASTER, State.FAULT, State.BACKUP, State.MASTER);
    assertThat(a.lastTransitionTo(State.MASTER)).isEqualTo(20 * S + DOWN_150);
    assertThat(lan.holders()).containsExactly(a);
  }

  static Stream<Integer> seeds() {
    return IntStream.range(0, 100).boxed();
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void convergesOnTheHighestPriorityAfterAnyHistory(int seed) {
    List<Lan.Router> routers = randomHistory(seed, false);

    Lan.Router best = routers.stream()
        .max(Comparator.comparingInt(r -> r.machine.effectivePriority())).orElseThrow();
    assertThat(lan.holders()).as("seed %d: %s", seed, lan.steps).containsExactly(best);
    for (Lan.Router r : routers) {
      assertThat(r.state()).as("seed %d %s", seed, r)
          .isEqualTo(r == best ? State.MASTER : State.BACKUP);
    }
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void withNoPreemptConvergesOnOneMasterAfterAnyHistory(int seed) {
    List<Lan.Router> routers = randomHistory(seed, true);

    assertThat(lan.holders()).as("seed %d: %s", seed, lan.steps).hasSize(1);
    assertThat(routers).filteredOn(r -> r.state() == State.MASTER)
        .containsExactlyElementsOf(lan.holders());
    assertThat(routers).filteredOn(r -> r.state() == State.BACKUP).hasSize(routers.size() - 1);
  }

  @Test
  void randomHistoriesGoThroughEveryTransitionButTheOwners() {
    Set<String> seen = new TreeSet<>();
    for (int seed = 0; seed < 20; seed++) {
      for (boolean noPreempt : new boolean[] {false, true}) {
        ClusterTest run = new ClusterTest();
        for (Lan.Router r : run.randomHistory(seed, noPreempt)) {
          r.heard.forEach(t -> seen.add(t.from() + ">" + t.to() + " " + t.reason()));
        }
      }
    }

    assertThat(seen).containsAll(List.of(
        "INITIALIZE>BACKUP STARTED", "INITIALIZE>FAULT TRACK_DOWN",
        "BACKUP>MASTER MASTER_NO_RESPONSE", "BACKUP>MASTER MASTER_STEPPED_DOWN",
        "BACKUP>MASTER PREEMPTED", "MASTER>BACKUP HIGHER_PRIORITY",
        "BACKUP>FAULT TRACK_DOWN", "MASTER>FAULT TRACK_DOWN", "FAULT>BACKUP TRACK_UP",
        "BACKUP>STOP STOPPED", "MASTER>STOP STOPPED", "FAULT>STOP STOPPED"));
  }

  /**
   * Starts a random cluster, disturbs it for 90 s (crashes, restarts, graceful stops, checks going
   * up and down, packet loss up to 100 %), heals it and lets it settle for 20 s.
   */
  private List<Lan.Router> randomHistory(int seed, boolean noPreempt) {
    Random random = new Random(noPreempt ? 1000 + seed : seed);
    List<Lan.Router> routers =
        randomCluster(random, seed % 2 == 0 ? Version.V2 : Version.V3, noPreempt);
    disturb(random, routers);
    heal(routers);
    lan.runUntil(lan.now() + 20 * S);
    return routers;
  }

  /**
   * Three routers of distinct effective priorities whatever their checks say: 200 (170 with its
   * check down), 150 (Fault with its check down), 100. In VRRPv3 their intervals differ too.
   */
  private List<Lan.Router> randomCluster(Random random, Version version, boolean noPreempt) {
    List<InstanceConfig.Builder> configs = version == Version.V3
        ? List.of(vi3(200), vi3(150), vi3(100))
        : List.of(vi(200), vi(150), vi(100));
    configs.get(0).track(Track.of("w", -30));
    configs.get(1).track(new Track("f", 0, 1, 2));
    List<Lan.Router> routers = new ArrayList<>();
    for (int i = 0; i < configs.size(); i++) {
      InstanceConfig.Builder config = configs.get(i);
      if (version == Version.V3) {
        config.version(Version.V3).advertInterval(Duration.ofMillis(500L * (1 + i)));
      }
      if (noPreempt) {
        config.noPreempt();
      }
      routers.add(lan.router("R" + (i + 1), config.build(), ip("192.168.200." + (2 + i))));
    }
    for (Lan.Router r : routers) {
      lan.runUntil(lan.now() + random.nextInt(2000) * MS);
      startWithPassingChecks(r, random.nextInt(4) != 0);
    }
    return routers;
  }

  private void disturb(Random random, List<Lan.Router> routers) {
    long end = lan.now() + 90 * S;
    while (lan.now() < end) {
      lan.runUntil(lan.now() + 200 * MS + random.nextInt(2800) * MS);
      Lan.Router r = routers.get(random.nextInt(routers.size()));
      switch (random.nextInt(6)) {
        case 0:
          if (r.running()) {
            r.crash();
          } else {
            startWithPassingChecks(r, random.nextBoolean());
          }
          break;
        case 1:
          if (r.running()) {
            r.stop();
          }
          break;
        case 2:
        case 3:
          if (r.running() && !r.config.tracks().isEmpty()) {
            r.track(r.config.tracks().get(0).name(), random.nextBoolean());
          }
          break;
        default:
          lan.lose(new double[] {0, 0, 0.1, 0.5, 1}[random.nextInt(5)], random);
          break;
      }
    }
  }

  private void heal(List<Lan.Router> routers) {
    lan.lose(0, null);
    for (Lan.Router r : routers) {
      if (!r.running()) {
        startWithPassingChecks(r, true);
      }
      for (Track track : r.config.tracks()) {
        r.track(track.name(), true);
      }
    }
  }

  private static void startWithPassingChecks(Lan.Router r, boolean passing) {
    r.start();
    if (passing) {
      for (Track track : r.config.tracks()) {
        r.track(track.name(), true);
      }
    }
  }
}
