package io.steelyard.lb.schedule;

import static io.steelyard.lb.schedule.TestPool.counts;
import static io.steelyard.lb.schedule.TestPool.member;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FirstTest {

  @Test
  void fillsEachServerUpToItsMaxconnInDeclarationOrder() {
    Scheduler scheduler =
        new TestPool()
            .server("a", 1, 3)
            .server("b", 1, 2)
            .server("c", 1, 1)
            .scheduler(Balance.first());
    StringBuilder names = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      names.append(scheduler.acquire(null, null).name());
    }

    assertThat(names).hasToString("aaabbc");
    assertThat(scheduler.acquire(null, null)).isNull();

    Member b = member(scheduler, "b");
    scheduler.release(b);
    scheduler.release(member(scheduler, "a"));
    assertThat(scheduler.acquire(null, null).name()).isEqualTo("a");
    assertThat(scheduler.acquire(null, null)).isSameAs(b);
  }

  @Test
  void withoutMaxconnTheFirstServerTakesEverything() {
    Scheduler scheduler =
        new TestPool().server("a", 1).server("b", 1).scheduler(Balance.first());

    assertThat(counts(scheduler, 100, true)).containsEntry("a", 100).containsEntry("b", 0);
  }

  @Test
  void ignoresWeightsAboveZero() {
    Scheduler scheduler =
        new TestPool().server("light", 1, 2).server("heavy", 256, 2).scheduler(Balance.first());

    assertThat(counts(scheduler, 4, true)).containsEntry("light", 2).containsEntry("heavy", 2);
    assertThat(member(scheduler, "light").inflight()).isEqualTo(2);
  }

  @Test
  void aServerBackInServiceTakesPrecedenceAgain() {
    Scheduler scheduler =
        new TestPool().server("a", 1).server("b", 1).scheduler(Balance.first());
    Member a = member(scheduler, "a");

    scheduler.setUsable(a, false);
    assertThat(scheduler.acquire(null, null).name()).isEqualTo("b");
    scheduler.setUsable(a, true);
    assertThat(scheduler.acquire(null, null)).isSameAs(a);
  }

  @Test
  void avoidingTheFirstServerTakesTheNextOne() {
    Scheduler scheduler =
        new TestPool().server("a", 1).server("b", 1).server("c", 1).scheduler(Balance.first());
    Member a = member(scheduler, "a");

    assertThat(scheduler.acquire(null, a).name()).isEqualTo("b");
    assertThat(scheduler.acquire(null, member(scheduler, "b")).name()).isEqualTo("a");
  }

  @Test
  void directAcquisitionsFillAServerToo() {
    Scheduler scheduler =
        new TestPool().server("a", 1, 2).server("b", 1, 2).scheduler(Balance.first());
    Member a = member(scheduler, "a");

    assertThat(scheduler.acquireDirect(a)).isTrue();
    assertThat(scheduler.acquire(null, null)).isSameAs(a);
    assertThat(scheduler.acquire(null, null).name()).isEqualTo("b");
    scheduler.release(a);
    assertThat(scheduler.acquire(null, null)).isSameAs(a);
  }

  @Test
  void anAddedServerComesAfterTheOthers() {
    Scheduler scheduler =
        new TestPool().server("a", 1, 1).server("b", 1, 1).scheduler(Balance.first());
    scheduler.add(new Member(2, "c", 1, 0, false));

    StringBuilder names = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      names.append(scheduler.acquire(null, null).name());
    }
    assertThat(names).hasToString("abcc");
  }
}
