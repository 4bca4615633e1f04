package io.steelyard.lb.schedule;

import static io.steelyard.lb.schedule.TestPool.ipv4;
import static io.steelyard.lb.schedule.TestPool.member;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rules that every algorithm follows: eligibility, backups, avoid, counting, direct
 * acquisition, runtime membership, checks.
 */
class SchedulerContractTest {

  /** Acquires {@code picks} times from varied clients, releasing at once; the servers picked. */
  private static Set<String> picked(Scheduler scheduler, int picks, Member avoid) {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < picks; i++) {
      Member member = scheduler.acquire(ipv4(0x0a000000 + i * 7919), avoid);
      if (member != null) {
        names.add(member.name());
        scheduler.release(member);
      } else {
        names.add(null);
      }
    }
    return names;
  }

  @ParameterizedTest
  @ValueSource(strings = {"leastconn", "roundrobin", "source", "first"})
  void countsConnectionsInFlight(String algorithm) {
    Scheduler scheduler = new TestPool().server("a", 1).scheduler(Balance.named(algorithm));
    Member a = member(scheduler, "a");

    assertThat(scheduler.acquire(null, null)).isSameAs(a);
    assertThat(scheduler.acquire(null, null)).isSameAs(a);
    assertThat(a.inflight()).isEqualTo(2);
    scheduler.release(a);
    assertThat(a.inflight()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"leastconn", "roundrobin", "source", "first"})
  void neverPicksAServerOfWeightZero(String algorithm) {
    Scheduler scheduler =
        new TestPool()
            .server("a", 0)
            .server("b", 1)
            .server("c", 0)
            .scheduler(Balance.named(algorithm));

    assertThat(picked(scheduler, 200, null)).containsExactly("b");

    scheduler.setWeight(member(scheduler, "b"), 0);
    assertThat(scheduler.acquire(null, null)).isNull();

    scheduler.setWeight(member(scheduler, "c"), 5);
    assertThat(picked(scheduler, 200, null)).containsExactly("c");
  }

  @ParameterizedTest
  @ValueSource(strings = {"leastconn", "roundrobin", "source", "first"})
  void aServerBecomesABackupAndBackWithItsConnectionsCounted(String algorithm) {
    Scheduler scheduler =
        new TestPool().server("a", 1).server("b", 1).scheduler(Balance.named(algorithm));
    Member a = member(scheduler, "a");
    Member b = member(scheduler, "b");
    Member held = scheduler.acquire(null, null);

    scheduler.setBackup(b, true);
    assertThat(b.backup()).isTrue();
    assertThat(picked(scheduler, 200, null)).containsExactly("a");
    scheduler.release(held);

    scheduler.setBackup(a, true);
    scheduler.setBackup(b, false);
    assertThat(picked(scheduler, 200, null)).containsExactly("b");
    scheduler.setUsable(b, false);
    assertThat(picked(scheduler, 200, null)).as("the backup takes over").containsExactly("a");
    assertThat(a.inflight() + b.inflight()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"leastconn", "roundrobin", "source", "first"})
  void takesUnusableServersOutAndBackIn(String algorithm) {
    Scheduler scheduler =
        new TestPool().server("a", 1).server("b", 1).scheduler(Balance.named(algorithm));
    Member a = member(scheduler, "a");

    scheduler.setUsable(a, false);
    assertThat(a.usable()).isFalse();
    assertThat(picked(scheduler, 200, null)).containsExactly("b");

    scheduler.setUsable(member(scheduler, "b"), false);
    assertThat(scheduler.acquire(null, null)).isNull();

    scheduler.setUsable(a, true);
    assertThat(picked(scheduler, 200, null)).containsExactly("a");
  }

  @ParameterizedTest
  @ValueSource(strings = {"leastconn", "roundrobin", "source", "first"})
  void aMaxconnChangedAtRunTimeTakesEffectAtTheNextPick(String algorithm) {
    Scheduler scheduler =
        new TestPool().server("a", 1, 1).server("b", 1, 1).scheduler(Balance.named(algorithm));
    Member a = member(scheduler, "a");
    assertThat(scheduler.acquire(ipv4(1), null)).isNotNull();
    assertThat(scheduler.acquire(ipv4(2), null)).isNotNull();
    assertThat(scheduler.acquire(ipv4(3), null)).isNull();

    scheduler.setMaxConn(a, 2);
    assertThat(a.maxConn()).isEqualTo(2);
    assertThat(scheduler.acquire(ipv4(4), null)).isSameAs(a);
    assertThat(scheduler.acquire(ipv4(5), null)).isNull();

    scheduler.setMaxConn(a, 1);
    scheduler.release(a);
    assertThat(scheduler.acquire(ipv4(6), null)).isNull();
    scheduler.release(a);
    assertThat(scheduler.acquire(ipv4(7), null)).isSameAs(a);

    scheduler.setMaxConn(a, 0);
    for (int i = 0; i < 5; i++) {
      assertThat(scheduler.acquire(ipv4(10 + i), null)).isSameAs(a);
    }
    assertThatThrownBy(() -> scheduler.setMaxConn(a, -1))
        .hasMessage("server 'a': maxconn must be >= 0: -1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"leastconn", "roundrobin", "source", "first"})
  void skipsServersAtMaxconnAndReturnsNullWhenAllAreFull(String algorithm) {
    Scheduler scheduler =
        new TestPool().server("a", 1, 2).server("b", 3, 3).scheduler(Balance.named(algorithm));
    Member a = member(scheduler, "a");
    Member b = member(scheduler, "b");

    List<Member> held = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Member member = scheduler.acquire(ipv4(i), null);
      assertThat(member).isNotNull();
      held.add(member);
    }
    assertThat(a.inflight()).isEqualTo(2);
    assertThat(b.inflight()).isEqualTo(3);
    assertThat(scheduler.acquire(ipv4(99), null)).isNull();

    scheduler.release(a);
    assertThat(scheduler.acquire(ipv4(100), null)).isSameAs(a);
    assertThat(scheduler.acquire(ipv4(101), null)).isNull();
    scheduler.release(b);
    assertThat(scheduler.acquire(ipv4(102), b)).isSameAs(b);
  }

  @ParameterizedTest
  @ValueSource(strings = {"leastconn", "roundrobin", "source", "first"})
  void usesOnlyTheFirstLiveBackupWhenNoActiveServerIsLive(String algorithm) {
    Scheduler scheduler =
        new TestPool()
            .server("a", 1)
            .backup("x", 0)
            .backup("y", 1)
            .server("b", 1)
            .backup("z", 5)
            .scheduler(Balance.named(algorithm));
    Member a = member(scheduler, "a");
    Member b = member(scheduler, "b");
    Member y = member(scheduler, "y");

    assertThat(picked(scheduler, 200, null)).isNotEmpty().isSubsetOf("a", "b");

    scheduler.setUsable(a, false);
    scheduler.setWeight(b, 0);
    assertThat(picked(scheduler, 200, null)).containsExactly("y");

    scheduler.setUsable(y, false);
    assertThat(picked(scheduler, 200, null)).containsExactly("z");

    scheduler.setWeight(member(scheduler, "x"), 1);
    assertThat(picked(scheduler, 200, null)).containsExactly("x");

    scheduler.setUsable(a, true);
    assertThat(picked(scheduler, 200, null)).containsExactly("a");
  }

  @ParameterizedTest
  @ValueSource(strings = {"leastconn", "roundrobin", "source", "first"})
  void doesNotSpillToBackupsWhenActiveServersAreMerelyFull(String algorithm) {
    Scheduler scheduler =
        new TestPool().server("a", 1, 1).backup("x", 1).scheduler(Balance.named(algorithm));

    assertThat(scheduler.acquire(null, null)).isSameAs(member(scheduler, "a"));
    assertThat(scheduler.acquire(null, null)).isNull();
    assertThat(member(scheduler, "x").inflight()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"leastconn", "roundrobin", "source", "first"})
  void returnsNullWhenTheFirstBackupIsFull(String algorithm) {
    Scheduler scheduler =
        new TestPool()
            .server("a", 1)
            .backup("x", 1, 1)
            .backup("y", 1)
            .scheduler(Balance.named(algorithm));
    Member x = member(scheduler, "x");
    scheduler.setUsable(member(scheduler, "a"), false);

    assertThat(scheduler.acquire(null, null)).isSameAs(x);
    assertThat(scheduler.acquire(null, null)).isNull();
    scheduler.release(x);
    assertThat(x.inflight()).isZero();
    assertThat(scheduler.acquire(null, x)).isSameAs(x); // the only server that can be picked
  }

  @ParameterizedTest
  @ValueSource(strings = {"leastconn", "roundrobin", "source", "first"})
  void avoidsTheGivenServerWhileAnotherCanBePicked(String algorithm) {
    Scheduler scheduler =
        new TestPool()
            .server("a", 3)
            .server("b", 1, 1)
            .server("c", 1)
            .scheduler(Balance.named(algorithm));
    Member a = member(scheduler, "a");
    Member b = member(scheduler, "b");
    Member c = member(scheduler, "c");

    assertThat(picked(scheduler, 300, a)).doesNotContain("a", null);
    assertThat(picked(scheduler, 300, c)).doesNotContain("c", null);

    scheduler.setUsable(a, false);
    Member heldOnB = scheduler.acquire(ipv4(1), c);
    assertThat(heldOnB).isSameAs(b);
    assertThat(picked(scheduler, 50, c)).containsExactly("c"); // b is full: c after all
    scheduler.release(heldOnB);

    scheduler.setUsable(b, false);
    assertThat(picked(scheduler, 50, c)).containsExactly("c");
  }

  @ParameterizedTest
  @ValueSource(strings = {"leastconn", "roundrobin", "source", "first"})
  void acquiresAServerDirectlyUpToItsMaxconn(String algorithm) {
    Scheduler scheduler =
        new TestPool().server("a", 1, 2).server("b", 1).scheduler(Balance.named(algorithm));
    Member a = member(scheduler, "a");

    assertThat(scheduler.acquireDirect(a)).isTrue();
    assertThat(scheduler.acquireDirect(a)).isTrue();
    assertThat(a.inflight()).isEqualTo(2);
    assertThat(scheduler.acquireDirect(a)).isFalse();
    assertThat(a.inflight()).isEqualTo(2);
    assertThat(picked(scheduler, 200, null)).containsExactly("b"); // a is full for balancing too

    scheduler.release(a);
    assertThat(scheduler.acquireDirect(a)).isTrue();
    scheduler.release(a);
    scheduler.release(a);
    assertThat(a.inflight()).isZero();
    assertThat(picked(scheduler, 200, null)).contains("a");
  }

  @ParameterizedTest
  @ValueSource(strings = {"leastconn", "roundrobin", "source", "first"})
  void acquiresDirectlyAServerOutOfTheRotationWithoutBalancingToIt(String algorithm) {
    Scheduler scheduler =
        new TestPool()
            .server("a", 1, 1)
            .server("b", 1)
            .server("c", 0)
            .backup("x", 1)
            .scheduler(Balance.named(algorithm));
    Member a = member(scheduler, "a");
    Member c = member(scheduler, "c");
    Member x = member(scheduler, "x");
    scheduler.setUsable(a, false); // draining: its clients stick to it

    assertThat(scheduler.acquireDirect(a)).isTrue();
    assertThat(scheduler.acquireDirect(a)).isFalse(); // maxconn still holds
    assertThat(scheduler.acquireDirect(c)).isTrue(); // weight 0
    assertThat(scheduler.acquireDirect(x)).isTrue(); // a backup while actives are live
    assertThat(picked(scheduler, 200, null)).containsExactly("b");

    scheduler.release(a);
    scheduler.release(c);
    scheduler.release(x);
    assertThat(List.of(a, c, x)).allSatisfy(member -> assertThat(member.inflight()).isZero());
    scheduler.setUsable(a, true);
    scheduler.setUsable(member(scheduler, "b"), false);
    assertThat(picked(scheduler, 200, null)).containsExactly("a");
  }

  @ParameterizedTest
  @ValueSource(strings = {"leastconn", "roundrobin", "source", "first"})
  void doesNotAcquireARemovedServerDirectly(String algorithm) {
    Scheduler scheduler =
        new TestPool().server("a", 1).server("b", 1).scheduler(Balance.named(algorithm));
    Member a = member(scheduler, "a");
    scheduler.setUsable(a, false);
    scheduler.remove(a);

    assertThat(scheduler.acquireDirect(a)).isFalse();
    assertThat(a.inflight()).isZero();
    assertThat(a.removed()).isTrue();
    assertThat(member(scheduler, "b").removed()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"leastconn", "roundrobin", "source", "first"})
  void tellsFullServersFromNoUsableServer(String algorithm) {
    Scheduler scheduler =
        new TestPool()
            .server("a", 1, 1)
            .backup("x", 1, 1)
            .backup("y", 1)
            .scheduler(Balance.named(algorithm));
    Member a = member(scheduler, "a");
    Member x = member(scheduler, "x");
    Member y = member(scheduler, "y");

    assertThat(scheduler.acquire(null, null)).isSameAs(a);
    assertThat(scheduler.acquire(null, null)).isNull();
    assertThat(scheduler.hasUsableServer()).isTrue(); // a is merely full: queue

    scheduler.setUsable(a, false);
    assertThat(scheduler.acquire(null, null)).isSameAs(x);
    assertThat(scheduler.acquire(null, null)).isNull();
    assertThat(scheduler.hasUsableServer()).isTrue(); // the backup in use is merely full

    scheduler.setUsable(x, false);
    assertThat(scheduler.hasUsableServer()).isTrue();
    scheduler.setWeight(y, 0);
    assertThat(scheduler.hasUsableServer()).isFalse();
    assertThat(scheduler.acquire(null, null)).isNull();

    scheduler.setWeight(y, 1);
    assertThat(scheduler.hasUsableServer()).isTrue();
    assertThat(Balance.named(algorithm).newScheduler(List.of()).hasUsableServer()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"leastconn", "roundrobin", "source", "first"})
  void anAddedServerTakesConnectionsOnceUsable(String algorithm) {
    Scheduler scheduler =
        new TestPool().server("a", 1).server("b", 1).scheduler(Balance.named(algorithm));
    Member a = member(scheduler, "a");
    Member b = member(scheduler, "b");
    Member c = new Member(2, "c", 1, 0, false, false); // in maintenance, as HAProxy adds it

    scheduler.add(c);
    assertThat(scheduler.members()).containsExactly(a, b, c);
    assertThat(scheduler.member(2)).isSameAs(c);
    assertThat(picked(scheduler, 200, null)).isSubsetOf("a", "b");

    scheduler.setUsable(a, false);
    scheduler.setUsable(b, false);
    assertThat(scheduler.hasUsableServer()).isFalse();
    assertThat(scheduler.acquire(null, null)).isNull();
    scheduler.setUsable(c, true);
    assertThat(picked(scheduler, 200, null)).containsExactly("c");

    scheduler.setUsable(c, false);
    scheduler.add(new Member(3, "d", 2, 0, false)); // usable from the start
    assertThat(picked(scheduler, 200, null)).containsExactly("d");

    scheduler.setUsable(a, true);
    scheduler.setUsable(c, true);
    assertThat(picked(scheduler, 600, null)).doesNotContain("b", null);
  }

  @ParameterizedTest
  @ValueSource(strings = {"leastconn", "roundrobin", "source", "first"})
  void anAddedBackupTakesOverWhenNoActiveServerIsLive(String algorithm) {
    Scheduler scheduler =
        new TestPool().server("a", 1).backup("x", 0).scheduler(Balance.named(algorithm));
    scheduler.setUsable(member(scheduler, "a"), false);
    assertThat(scheduler.hasUsableServer()).isFalse();

    Member y = new Member(2, "y", 1, 1, true);
    scheduler.add(y);
    assertThat(scheduler.hasUsableServer()).isTrue();
    assertThat(scheduler.acquire(null, null)).isSameAs(y);
    assertThat(scheduler.acquire(null, null)).isNull(); // y is full

    scheduler.setWeight(member(scheduler, "x"), 1);
    assertThat(picked(scheduler, 50, null)).containsExactly("x"); // the lower id
    scheduler.release(y);
  }

  @ParameterizedTest
  @ValueSource(strings = {"leastconn", "roundrobin", "source", "first"})
  void givesEachAddedServerTheNextIdNeverReusingOne(String algorithm) {
    Scheduler scheduler =
        new TestPool().server("a", 1).server("b", 1).scheduler(Balance.named(algorithm));
    Member b = member(scheduler, "b");
    scheduler.setUsable(b, false);
    scheduler.remove(b);

    assertThatThrownBy(() -> scheduler.add(new Member(1, "c", 1, 0, false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'c'")
        .hasMessageContaining("next id 2");
    assertThatThrownBy(() -> scheduler.add(new Member(3, "c", 1, 0, false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("next id 2");
    assertThatThrownBy(() -> scheduler.add(new Member(2, "a", 1, 0, false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'a' already exists");
    assertThatThrownBy(() -> scheduler.add(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("member");

    Member again = new Member(2, "b", 1, 0, false); // a removed server's name may come back
    scheduler.add(again);
    assertThat(scheduler.members()).extracting(Member::id).containsExactly(0, 2);
    assertThat(scheduler.member(1)).isNull();
    assertThat(scheduler.member(2)).isSameAs(again);
    assertThat(scheduler.member(3)).isNull();
    assertThat(scheduler.member(-1)).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"leastconn", "roundrobin", "source", "first"})
  void removesOnlyAServerOutOfTheRotationWithNothingInFlight(String algorithm) {
    Scheduler scheduler =
        new TestPool().server("web1", 1).server("web2", 1).scheduler(Balance.named(algorithm));
    Member web1 = member(scheduler, "web1");
    Member web2 = member(scheduler, "web2");

    assertThatThrownBy(() -> scheduler.remove(web1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'web1'")
        .hasMessageContaining("out of the rotation");
    assertThat(scheduler.acquireDirect(web1)).isTrue();
    scheduler.setUsable(web1, false);
    assertThatThrownBy(() -> scheduler.remove(web1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'web1'")
        .hasMessageContaining("connections in flight: 1");
    assertThat(scheduler.members()).containsExactly(web1, web2);

    scheduler.release(web1);
    scheduler.remove(web1);
    assertThat(web1.removed()).isTrue();
    assertThat(scheduler.members()).containsExactly(web2);
    assertThat(scheduler.member(0)).isNull();
    assertThat(scheduler.member(1)).isSameAs(web2);
    assertThat(picked(scheduler, 200, null)).containsExactly("web2");
    assertThat(picked(scheduler, 200, web2)).containsExactly("web2");
    scheduler.setUsable(web2, false);
    assertThat(scheduler.acquire(null, null)).isNull();
    assertThat(scheduler.hasUsableServer()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"leastconn", "roundrobin", "source", "first"})
  void aRemovedServerIsNoLongerInTheBackend(String algorithm) {
    Scheduler scheduler =
        new TestPool().server("a", 1).backup("x", 1).scheduler(Balance.named(algorithm));
    Member x = member(scheduler, "x");
    scheduler.setUsable(x, false);
    scheduler.remove(x);

    assertThatThrownBy(() -> scheduler.setUsable(x, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'x' was removed");
    assertThatThrownBy(() -> scheduler.setWeight(x, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'x' was removed");
    assertThatThrownBy(() -> scheduler.release(x))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'x' was removed");
    assertThatThrownBy(() -> scheduler.remove(x))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'x' was removed");
    assertThat(x.usable()).isFalse();

    scheduler.setUsable(member(scheduler, "a"), false);
    assertThat(scheduler.hasUsableServer()).isFalse();
    assertThat(scheduler.acquire(null, null)).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"leastconn", "roundrobin", "source", "first"})
  void releaseOfAServerWithNothingInFlightIsABug(String algorithm) {
    Scheduler scheduler = new TestPool().server("web1", 1).scheduler(Balance.named(algorithm));
    Member web1 = scheduler.acquire(null, null);
    scheduler.release(web1);

    assertThatThrownBy(() -> scheduler.release(web1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("web1");
    assertThat(web1.inflight()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"leastconn", "roundrobin", "source", "first"})
  void validatesWeights(String algorithm) {
    Scheduler scheduler = new TestPool().server("web1", 1).scheduler(Balance.named(algorithm));
    Member web1 = member(scheduler, "web1");

    assertThatThrownBy(() -> scheduler.setWeight(web1, 257))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("web1")
        .hasMessageContaining("257");
    assertThatThrownBy(() -> scheduler.setWeight(web1, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("web1")
        .hasMessageContaining("-1");
    assertThat(web1.weight()).isEqualTo(1);

    scheduler.setWeight(web1, Member.MAX_WEIGHT);
    assertThat(web1.weight()).isEqualTo(Member.MAX_WEIGHT);
    assertThat(scheduler.acquire(null, null)).isSameAs(web1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"leastconn", "roundrobin", "source", "first"})
  void rejectsServersOfAnotherBackend(String algorithm) {
    Scheduler scheduler = new TestPool().server("a", 1).scheduler(Balance.named(algorithm));
    Member stranger = new Member(0, "stranger", 1, 0, false);

    assertThatThrownBy(() -> scheduler.release(stranger))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("stranger");
    assertThatThrownBy(() -> scheduler.setUsable(stranger, false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> scheduler.setWeight(new Member(5, "far", 1, 0, false), 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("far");
    assertThatThrownBy(() -> scheduler.release(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("member");
    assertThatThrownBy(() -> scheduler.acquireDirect(stranger))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("stranger");
    assertThatThrownBy(() -> scheduler.remove(stranger))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("stranger");
    assertThat(stranger.inflight()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"leastconn", "roundrobin", "source", "first"})
  void rejectsMembersWhoseIdsAreNotTheirPositions(String algorithm) {
    List<Member> members =
        List.of(new Member(0, "a", 1, 0, false), new Member(2, "b", 1, 0, false));

    assertThatThrownBy(() -> Balance.named(algorithm).newScheduler(members))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'b'")
        .hasMessageContaining("position 1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"leastconn", "roundrobin", "source", "first"})
  void keepsTheMembersInDeclarationOrder(String algorithm) {
    Scheduler scheduler =
        new TestPool()
            .server("a", 1)
            .backup("b", 1)
            .server("c", 1)
            .scheduler(Balance.named(algorithm));

    assertThat(scheduler.members()).extracting(Member::name).containsExactly("a", "b", "c");
    assertThatThrownBy(() -> scheduler.members().clear())
        .isInstanceOf(UnsupportedOperationException.class);

    List<Member> before = scheduler.members();
    scheduler.add(new Member(3, "d", 1, 0, false));
    scheduler.setUsable(member(scheduler, "b"), false);
    scheduler.remove(member(scheduler, "b"));
    assertThat(before).extracting(Member::name).containsExactly("a", "b", "c"); // a snapshot
    assertThat(scheduler.members()).extracting(Member::name).containsExactly("a", "c", "d");
    assertThatThrownBy(() -> scheduler.members().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"leastconn", "roundrobin", "source", "first"})
  void anEmptyBackendPicksNothing(String algorithm) {
    Scheduler scheduler = Balance.named(algorithm).newScheduler(List.of());

    assertThat(scheduler.acquire(InetAddress.getLoopbackAddress(), null)).isNull();
  }
}
