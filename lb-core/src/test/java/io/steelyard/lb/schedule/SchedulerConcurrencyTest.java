package io.steelyard.lb.schedule;

import static io.steelyard.lb.schedule.TestPool.ipv4;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SchedulerConcurrencyTest {
  private static final int THREADS = 4;
  private static final int ITERATIONS = 50_000;

  @ParameterizedTest
  @ValueSource(strings = {"leastconn", "roundrobin", "source", "first"})
  void threadsAcquiringAndReleasingLeaveNothingInFlight(String algorithm) throws Exception {
    Scheduler scheduler =
        new TestPool()
            .server("a", 1, 4)
            .server("b", 3, 0)
            .server("c", 2, 2)
            .server("d", 7, 16)
            .backup("x", 1, 3)
            .backup("y", 1)
            .scheduler(Balance.named(algorithm));
    List<Member> everAdded = new ArrayList<>(scheduler.members());
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong acquired = new AtomicLong();
    AtomicLong acquiredDirectly = new AtomicLong();
    AtomicLong removed = new AtomicLong();
    ExecutorService executor = Executors.newFixedThreadPool(THREADS + 1);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        workers.add(
            executor.submit(
                () -> {
                  ThreadLocalRandom random = ThreadLocalRandom.current();
                  Deque<Member> held = new ArrayDeque<>();
                  for (int i = 0; i < ITERATIONS; i++) {
                    List<Member> members = scheduler.members();
                    Member some = members.get(random.nextInt(members.size()));
                    Member member;
                    if (random.nextInt(4) == 0) {
                      // As for a client that a stick table sends back to its server.
                      member = scheduler.acquireDirect(some) ? some : null;
                      if (member != null) {
                        acquiredDirectly.incrementAndGet();
                      }
                    } else {
                      Member avoid = random.nextInt(4) == 0 ? some : null;
                      member = scheduler.acquire(ipv4(random.nextInt(1024)), avoid);
                      if (member != null) {
                        acquired.incrementAndGet();
                      }
                    }
                    if (member != null) {
                      assertThat(member.maxConn() == 0 || member.inflight() <= member.maxConn())
                          .as("%s within its maxconn", member)
                          .isTrue();
                      assertThat(member.removed()).as("%s removed while in use", member).isFalse();
                      held.add(member);
                    }
                    while (held.size() > random.nextInt(8)) {
                      scheduler.release(random.nextBoolean() ? held.pollFirst() : held.pollLast());
                    }
                  }
                  held.forEach(scheduler::release);
                  return null;
                }));
      }
      Future<?> operator =
          executor.submit(
              () -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (running.get()) {
                  List<Member> members = scheduler.members();
                  Member member = members.get(random.nextInt(members.size()));
                  switch (random.nextInt(8)) {
                    case 0 -> {
                      if (members.size() < 12) {
                        Member added =
                            new Member(
                                everAdded.size(),
                                "s" + everAdded.size(),
                                random.nextInt(5),
                                random.nextInt(4),
                                random.nextInt(4) == 0,
                                random.nextBoolean());
                        scheduler.add(added);
                        everAdded.add(added);
                      }
                    }
                    case 1 -> {
                      if (members.stream().filter(m -> !m.backup()).count() > 2) {
                        scheduler.setUsable(member, false);
                        try {
                          scheduler.remove(member);
                          removed.incrementAndGet();
                        } catch (IllegalStateException busy) {
                          assertThat(busy).hasMessageContaining("in flight");
                        }
                      }
                    }
                    case 2, 3, 4 -> scheduler.setUsable(member, random.nextInt(4) != 0);
                    default -> scheduler.setWeight(member, random.nextInt(5));
                  }
                  Thread.onSpinWait();
                }
                return null;
              });

      for (Future<?> worker : workers) {
        worker.get(60, TimeUnit.SECONDS);
      }
      running.set(false);
      operator.get(10, TimeUnit.SECONDS);
    } finally {
      executor.shutdownNow();
    }

    assertThat(everAdded).allSatisfy(member -> assertThat(member.inflight()).isZero());
    assertThat(acquired.get()).isPositive();
    assertThat(acquiredDirectly.get()).isPositive();
    assertThat(everAdded.size()).isGreaterThan(6);
    assertThat(removed.get()).isPositive();
    assertThat(everAdded)
        .allSatisfy(
            member ->
                assertThat(scheduler.member(member.id()))
                    .isSameAs(member.removed() ? null : member));

    // The scheduler still works: with every server back, only active ones are picked.
    List<Member> members = scheduler.members();
    for (Member member : members) {
      scheduler.setUsable(member, true);
      scheduler.setWeight(member, 1);
    }
    for (int i = 0; i < 100; i++) {
      Member member = scheduler.acquire(ipv4(i), null);
      assertThat(member).isNotNull();
      assertThat(member.backup()).isFalse();
      assertThat(member.removed()).isFalse();
      scheduler.release(member);
    }
  }
}
