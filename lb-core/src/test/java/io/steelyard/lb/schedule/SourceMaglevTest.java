package io.steelyard.lb.schedule;

import static io.steelyard.lb.schedule.TestPool.ipv4;
import static io.steelyard.lb.schedule.TestPool.member;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code balance source} with {@code hash-type consistent}: a client keeps its server, a server
 * that goes takes only its own clients with it, and two balancers with the same servers in another
 * order agree on every client.
 */
class SourceMaglevTest {
  private static final int CLIENTS = 1_000;

  private static Map<Integer, String> picks(Scheduler scheduler) {
    Map<Integer, String> picks = new HashMap<>();
    for (int i = 0; i < CLIENTS; i++) {
      Member member = scheduler.acquire(ipv4(0xcb007100 + i * 13), null);
      picks.put(i, member == null ? null : member.name());
      if (member != null) {
        scheduler.release(member);
      }
    }
    return picks;
  }

  @Test
  void aServerThatGoesTakesOnlyItsOwnClientsWithIt() {
    Scheduler scheduler = new TestPool().server("a", 1).server("b", 1).server("c", 1)
        .scheduler(Balance.sourceConsistent());
    Map<Integer, String> before = picks(scheduler);
    assertThat(picks(scheduler)).as("a client keeps its server").isEqualTo(before);
    assertThat(new HashSet<>(before.values())).containsExactlyInAnyOrder("a", "b", "c");

    scheduler.setUsable(member(scheduler, "b"), false);
    assertThat(picks(scheduler).values()).as("at once, before the new table").doesNotContain("b");
    SourceMaglev.awaitRebuilds();
    Map<Integer, String> after = picks(scheduler);
    int moved = 0;
    for (int i = 0; i < CLIENTS; i++) {
      assertThat(after.get(i)).isNotEqualTo("b");
      if (!before.get(i).equals("b") && !before.get(i).equals(after.get(i))) {
        moved++;
      }
    }
    assertThat(moved).as("clients of a and c that moved").isLessThan(CLIENTS / 100);

    scheduler.setUsable(member(scheduler, "b"), true);
    SourceMaglev.awaitRebuilds();
    assertThat(picks(scheduler)).as("b back: every client where it was").isEqualTo(before);
  }

  @Test
  void twoBalancersWithTheSameServersInAnotherOrderAgreeOnEveryClient() {
    Scheduler one = new TestPool().server("a", 1).server("b", 2).server("c", 1)
        .scheduler(Balance.sourceConsistent());
    Scheduler other = new TestPool().server("c", 1).server("a", 1).server("b", 2)
        .scheduler(Balance.sourceConsistent());
    assertThat(picks(other)).isEqualTo(picks(one));
  }

  @Test
  void aFullServersClientsGoToTheNextSlotsServer() {
    Scheduler scheduler = new TestPool().server("a", 1, 1).server("b", 1, 1)
        .scheduler(Balance.sourceConsistent());
    Member first = scheduler.acquire(ipv4(0xcb007101), null);
    Member second = scheduler.acquire(ipv4(0xcb007101), null);
    assertThat(second).as("the same client, its server full").isNotSameAs(first).isNotNull();
    assertThat(scheduler.acquire(ipv4(0xcb007101), null)).as("both full").isNull();
    Set<String> names = Set.of(first.name(), second.name());
    assertThat(names).containsExactlyInAnyOrder("a", "b");
  }
}
