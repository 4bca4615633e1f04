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
    List<Member> members = scheduler.members();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong acquired = new AtomicLong();
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
                    Member avoid =
                        random.nextInt(4) == 0 ? members.get(random.nextInt(members.size())) : null;
                    Member member = scheduler.acquire(ipv4(random.nextInt(1024)), avoid);
                    if (member != null) {
                      acquired.incrementAndGet();
                      assertThat(member.maxConn() == 0 || member.inflight() <= member.maxConn())
                          .as("%s within its maxconn", member)
                          .isTrue();
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
                  Member member = members.get(random.nextInt(members.size()));
                  if (random.nextBoolean()) {
                    scheduler.setUsable(member, random.nextInt(4) != 0);
                  } else {
                    scheduler.setWeight(member, random.nextInt(5));
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

    assertThat(members).allSatisfy(member -> assertThat(member.inflight()).isZero());
    assertThat(acquired.get()).isPositive();

    // The scheduler still works: with every server back, each is picked.
    for (Member member : members) {
      scheduler.setUsable(member, true);
      scheduler.setWeight(member, 1);
    }
    for (int i = 0; i < 100; i++) {
      Member member = scheduler.acquire(ipv4(i), null);
      assertThat(member).isNotNull();
      assertThat(member.backup()).isFalse();
      scheduler.release(member);
    }
  }
}
