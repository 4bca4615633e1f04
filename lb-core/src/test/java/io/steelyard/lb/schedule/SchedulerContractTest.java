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

/** The rules that every algorithm follows: eligibility, backups, avoid, counting, checks. */
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
  }

  @ParameterizedTest
  @ValueSource(strings = {"leastconn", "roundrobin", "source", "first"})
  void anEmptyBackendPicksNothing(String algorithm) {
    Scheduler scheduler = Balance.named(algorithm).newScheduler(List.of());

    assertThat(scheduler.acquire(InetAddress.getLoopbackAddress(), null)).isNull();
  }
}
