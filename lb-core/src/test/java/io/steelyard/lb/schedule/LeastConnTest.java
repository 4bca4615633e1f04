package io.steelyard.lb.schedule;

import static io.steelyard.lb.schedule.TestPool.counts;
import static io.steelyard.lb.schedule.TestPool.member;
import static io.steelyard.lb.schedule.TestPool.sequence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LeastConnTest {

  private static Scheduler oneThreeOne() {
    return new TestPool()
        .server("a", 1)
        .server("b", 3)
        .server("c", 1)
        .scheduler(Balance.leastConn());
  }

  @Test
  void connectionsHeldOpenFollowTheWeights() {
    Map<String, Integer> counts = counts(oneThreeOne(), 500, true);

    assertThat(counts.get("a")).isCloseTo(100, within(2));
    assertThat(counts.get("b")).isCloseTo(300, within(2));
    assertThat(counts.get("c")).isCloseTo(100, within(2));
  }

  @Test
  void heldConnectionsOnEqualServersGoInTurn() {
    Scheduler scheduler =
        new TestPool()
            .server("a", 2)
            .server("b", 2)
            .server("c", 2)
            .scheduler(Balance.leastConn());
    StringBuilder names = new StringBuilder();
    for (int i = 0; i < 9; i++) {
      names.append(scheduler.acquire(null, null).name());
    }

    assertThat(names).hasToString("abcabcabc");
  }

  @Test
  void idleServersComeFirstWhateverTheirWeights() {
    Scheduler scheduler =
        new TestPool().server("heavy", 256).server("light", 1).scheduler(Balance.leastConn());

    assertThat(scheduler.acquire(null, null).name()).isEqualTo("heavy");
    assertThat(scheduler.acquire(null, null).name()).isEqualTo("light");
    assertThat(scheduler.acquire(null, null).name()).isEqualTo("heavy");
  }

  @Test
  void shortConnectionsVisitEveryServerInTurn() {
    // Each connection ends before the next: every server is idle, so weights play no part.
    assertThat(sequence(oneThreeOne(), 12)).isEqualTo("abcabcabcabc");
  }

  @Test
  void picksTheLeastLoadedServerAfterReleases() {
    Scheduler scheduler = oneThreeOne();
    counts(scheduler, 50, true); // a 10, b 30, c 10
    Member b = member(scheduler, "b");
    for (int i = 0; i < 9; i++) {
      scheduler.release(b);
    }

    assertThat(counts(scheduler, 3, true)).containsEntry("b", 3);
  }

  @Test
  void aWeightChangeTakesEffectForTheNextPicks() {
    Scheduler scheduler = oneThreeOne();
    counts(scheduler, 50, true);
    scheduler.setWeight(member(scheduler, "c"), 3);

    // c, at 10 of weight 3, is far below b at 30 of weight 3: it takes the next ones.
    Map<String, Integer> counts = counts(scheduler, 250, true);
    int c = member(scheduler, "c").inflight();
    int b = member(scheduler, "b").inflight();
    assertThat(counts.get("c")).isGreaterThan(counts.get("b"));
    assertThat((double) c / b).isCloseTo(1.0, within(0.05));
  }

  @Test
  void aServerBackBelowItsMaxconnTakesConnectionsAgain() {
    Scheduler scheduler =
        new TestPool().server("a", 1, 1).server("b", 1).scheduler(Balance.leastConn());
    Member a = member(scheduler, "a");

    assertThat(scheduler.acquire(null, null)).isSameAs(a);
    assertThat(counts(scheduler, 5, true)).containsEntry("a", 0).containsEntry("b", 5);
    scheduler.release(a);
    assertThat(scheduler.acquire(null, null)).isSameAs(a);
  }

  @Test
  void inflightReturnsToZeroAfterEveryRelease() {
    Scheduler scheduler = oneThreeOne();
    counts(scheduler, 100, true);
    for (Member member : scheduler.members()) {
      while (member.inflight() > 0) {
        scheduler.release(member);
      }
    }

    assertThat(sequence(scheduler, 3)).hasSize(3).contains("a", "b", "c");
  }

  @Test
  void aDirectAcquisitionLoadsTheServer() {
    Scheduler scheduler =
        new TestPool().server("a", 1).server("b", 1).server("c", 1).scheduler(Balance.leastConn());
    Member a = member(scheduler, "a");
    assertThat(scheduler.acquireDirect(a)).isTrue();
    assertThat(scheduler.acquireDirect(a)).isTrue();

    assertThat(counts(scheduler, 4, true))
        .containsEntry("a", 0)
        .containsEntry("b", 2)
        .containsEntry("c", 2);
    assertThat(counts(scheduler, 3, true)).containsEntry("a", 1);
  }

  @Test
  void anAddedServerTakesConnectionsWhileItIsLessLoaded() {
    Scheduler scheduler = oneThreeOne();
    counts(scheduler, 10, true); // a 2, b 6, c 2
    scheduler.add(new Member(3, "d", 1, 0, false));

    assertThat(counts(scheduler, 2, true)).containsEntry("d", 2);
    // b, at 6 of weight 3, catches up with a, c and d at 2 of weight 1; then they take turns.
    assertThat(counts(scheduler, 5, true))
        .containsEntry("a", 1)
        .containsEntry("b", 2)
        .containsEntry("c", 1)
        .containsEntry("d", 1);
  }
}
