package io.steelyard.lb.schedule;

import static io.steelyard.lb.schedule.TestPool.counts;
import static io.steelyard.lb.schedule.TestPool.member;
import static io.steelyard.lb.schedule.TestPool.sequence;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RoundRobinTest {

  private static Scheduler oneThreeOne() {
    return new TestPool()
        .server("a", 1)
        .server("b", 3)
        .server("c", 1)
        .scheduler(Balance.roundRobin());
  }

  @Test
  void interleavesTheTurnsOfAHeavyServer() {
    assertThat(sequence(oneThreeOne(), 15)).isEqualTo("babcb".repeat(3));

    Scheduler fiveOneOne =
        new TestPool()
            .server("a", 5)
            .server("b", 1)
            .server("c", 1)
            .scheduler(Balance.roundRobin());
    assertThat(sequence(fiveOneOne, 14)).isEqualTo("abaacaa".repeat(2));
  }

  @Test
  void noServerExceedsItsShareOfAnyWindow() {
    String sequence = sequence(oneThreeOne(), 500);
    Map<Character, Integer> weights = Map.of('a', 1, 'b', 3, 'c', 1);

    for (int length = 1; length <= 25; length++) {
      for (int start = 0; start + length <= sequence.length(); start++) {
        String window = sequence.substring(start, start + length);
        for (Map.Entry<Character, Integer> server : weights.entrySet()) {
          long picks = window.chars().filter(c -> c == server.getKey()).count();
          long share = (long) Math.ceil(length * server.getValue() / 5.0);
          assertThat(picks).as("%s in %s", server.getKey(), window).isLessThanOrEqualTo(share);
        }
      }
    }
  }

  @Test
  void staysWithinOneTurnOfTheExactShareForAnyWeights() {
    Random random = new Random(7);
    for (int trial = 0; trial < 50; trial++) {
      TestPool backend = new TestPool();
      int servers = 2 + random.nextInt(6);
      int[] weights = new int[servers];
      int total = 0;
      for (int i = 0; i < servers; i++) {
        weights[i] = 1 + random.nextInt(trial % 2 == 0 ? 10 : Member.MAX_WEIGHT);
        total += weights[i];
        backend.server(String.valueOf((char) ('a' + i)), weights[i]);
      }
      Scheduler scheduler = backend.scheduler(Balance.roundRobin());

      int[] picks = new int[servers];
      for (int pick = 1; pick <= 2 * total; pick++) {
        Member member = scheduler.acquire(null, null);
        scheduler.release(member);
        picks[member.id()]++;
        for (int i = 0; i < servers; i++) {
          double exact = (double) pick * weights[i] / total;
          assertThat(Math.abs(picks[i] - exact))
              .as("server %d after %d picks", i, pick)
              .isLessThan(1.0);
        }
      }
      for (int i = 0; i < servers; i++) {
        assertThat(picks[i]).isEqualTo(2 * weights[i]);
      }
    }
  }

  @Test
  void givesExactProportionsOverWholeCycles() {
    Map<String, Integer> counts = counts(oneThreeOne(), 5_000, false);

    assertThat(counts)
        .containsEntry("a", 1_000)
        .containsEntry("b", 3_000)
        .containsEntry("c", 1_000);
  }

  @Test
  void aServerThatRejoinsGetsNoBurst() {
    Scheduler scheduler =
        new TestPool().server("a", 1).server("b", 1).scheduler(Balance.roundRobin());
    Member a = member(scheduler, "a");

    scheduler.setUsable(a, false);
    assertThat(sequence(scheduler, 100)).isEqualTo("b".repeat(100));
    scheduler.setUsable(a, true);

    assertThat(sequence(scheduler, 10)).isIn("ab".repeat(5), "ba".repeat(5));
  }

  @Test
  void aServerBackBelowItsMaxconnGetsNoBurst() {
    Scheduler scheduler =
        new TestPool().server("a", 1, 1).server("b", 1).scheduler(Balance.roundRobin());
    Member a = member(scheduler, "a");

    Member held = scheduler.acquire(null, null);
    assertThat(held).isSameAs(a);
    assertThat(sequence(scheduler, 50)).isEqualTo("b".repeat(50));
    scheduler.release(held);

    assertThat(sequence(scheduler, 10)).isIn("ab".repeat(5), "ba".repeat(5));
  }

  @Test
  void aWeightChangeTakesEffectAtOnce() {
    Scheduler scheduler =
        new TestPool().server("a", 1).server("b", 1).scheduler(Balance.roundRobin());
    sequence(scheduler, 3);
    scheduler.setWeight(member(scheduler, "a"), 3);

    Map<String, Integer> counts = counts(scheduler, 400, false);
    assertThat(counts.get("a")).isBetween(299, 301);
    assertThat(counts.get("b")).isBetween(99, 101);
  }

  @Test
  void virtualTimeMayWrapAround() {
    List<Member> members = new ArrayList<>();
    members.add(new Member(0, "a", 7, 0, false));
    members.add(new Member(1, "b", 200, 0, false));
    members.add(new Member(2, "c", 13, 0, false));
    Scheduler fromZero = new RoundRobin(members, 0);
    String expected = sequence(fromZero, 5_000);

    List<Member> copies = new ArrayList<>();
    for (Member member : members) {
      copies.add(new Member(member.id(), member.name(), member.weight(), 0, false));
    }
    Scheduler nearTheEnd = new RoundRobin(copies, Long.MAX_VALUE - 3 * (1L << 32));
    assertThat(sequence(nearTheEnd, 5_000)).isEqualTo(expected);
  }

  @Test
  void aDirectAcquisitionIsNotATurn() {
    Scheduler scheduler = oneThreeOne();
    String expected = sequence(oneThreeOne(), 20);
    Member a = member(scheduler, "a");
    String first = sequence(scheduler, 7);

    for (int i = 0; i < 5; i++) {
      assertThat(scheduler.acquireDirect(a)).isTrue(); // held: a's clients that stick to it
    }
    assertThat(first + sequence(scheduler, 13)).isEqualTo(expected);
    assertThat(a.inflight()).isEqualTo(5);
  }

  @Test
  void aServerFullOfDirectClientsSitsOutItsTurns() {
    Scheduler scheduler =
        new TestPool().server("a", 1, 1).server("b", 1).scheduler(Balance.roundRobin());
    Member a = member(scheduler, "a");

    assertThat(scheduler.acquireDirect(a)).isTrue();
    assertThat(sequence(scheduler, 20)).isEqualTo("b".repeat(20));
    scheduler.release(a);
    assertThat(sequence(scheduler, 10)).isIn("ab".repeat(5), "ba".repeat(5));
  }

  @Test
  void anAddedServerTakesItsShareWithoutABurst() {
    Scheduler scheduler =
        new TestPool().server("a", 1).server("b", 1).scheduler(Balance.roundRobin());
    sequence(scheduler, 7);
    scheduler.add(new Member(2, "c", 2, 0, false));

    String next = sequence(scheduler, 400);
    for (int start = 0; start + 4 <= next.length(); start += 4) {
      String cycle = next.substring(start, start + 4);
      assertThat(cycle.chars().filter(c -> c == 'c').count()).as(cycle).isEqualTo(2);
    }
    assertThat(next.chars().filter(c -> c == 'a').count()).isEqualTo(100);
  }
}
