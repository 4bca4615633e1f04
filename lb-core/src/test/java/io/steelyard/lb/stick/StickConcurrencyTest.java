package io.steelyard.lb.stick;

import static java.time.Duration.ofMinutes;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Event-loop threads matching, storing, opening and closing at once, with an admin alongside. */
class StickConcurrencyTest {
  private static final int THREADS = 4;
  private static final int ITERATIONS = 50_000;

  private static final InetAddress[] CLIENTS = new InetAddress[512];

  static {
    for (int i = 0; i < CLIENTS.length; i++) {
      CLIENTS[i] = (i % 4 == 0) ? Addresses.ip("2001:db8::" + Integer.toHexString(i + 1))
          : Addresses.ipv4(i);
    }
  }

  @Test
  void withRoomForEveryClientTheCountersAddUp() throws Exception {
    StickTable table = StickTable.builder().size(CLIENTS.length).expire(ofMinutes(30)).build();

    long stored = traffic(table, null);

    List<StickEntry.Snapshot> entries = table.entries();
    assertThat(entries).hasSize(CLIENTS.length);
    assertThat(entries).allSatisfy(entry -> assertThat(entry.currentConnections()).isZero());
    assertThat(entries.stream().mapToLong(StickEntry.Snapshot::totalConnections).sum())
        .isEqualTo(stored);
  }

  @Test
  void aFullTableStaysWithinItsSizeUnderTrafficAndAdmin() throws Exception {
    StickTable table = StickTable.builder().size(CLIENTS.length / 4).expire(ofMinutes(30)).build();
    AtomicInteger largest = new AtomicInteger();

    long stored =
        traffic(
            table,
            random -> {
              InetAddress client = CLIENTS[random.nextInt(CLIENTS.length)];
              switch (random.nextInt(6)) {
                case 0 -> table.entries();
                case 1 -> table.entry(client);
                case 2 -> table.clear(client);
                case 3 -> table.setServer(client, random.nextInt(4));
                case 4 -> {
                  if (random.nextInt(100) == 0) {
                    table.clear();
                  }
                }
                default -> largest.accumulateAndGet(table.used(), Math::max);
              }
            });

    assertThat(stored).isPositive();
    assertThat(largest.get()).isBetween(1, table.size());
    assertThat(table.used()).isLessThanOrEqualTo(table.size());
    assertThat(table.entries())
        .allSatisfy(entry -> assertThat(entry.currentConnections()).isZero());
  }

  /**
   * Runs {@link #THREADS} threads that match a random client, store it on a random server, hold
   * the connection for a while and close it, while {@code admin} (if any) runs in a loop; returns
   * the connections stored.
   */
  private static long traffic(StickTable table, AdminStep admin) throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong stored = new AtomicLong();
    ExecutorService executor = Executors.newFixedThreadPool(THREADS + 1);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        workers.add(
            executor.submit(
                () -> {
                  ThreadLocalRandom random = ThreadLocalRandom.current();
                  Deque<StickEntry> held = new ArrayDeque<>();
                  for (int i = 0; i < ITERATIONS; i++) {
                    InetAddress client = CLIENTS[random.nextInt(CLIENTS.length)];
                    int server = table.match(client);
                    if (server == StickTable.NO_SERVER || random.nextInt(8) == 0) {
                      server = random.nextInt(4);
                    }
                    StickEntry entry = table.store(client, server);
                    if (entry != null) {
                      stored.incrementAndGet();
                      assertThat(entry.currentConnections()).isPositive();
                      held.add(entry);
                    }
                    while (held.size() > random.nextInt(16)) {
                      (random.nextBoolean() ? held.pollFirst() : held.pollLast())
                          .connectionClosed();
                    }
                  }
                  held.forEach(StickEntry::connectionClosed);
                  return null;
                }));
      }
      Future<?> operator =
          executor.submit(
              () -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (admin != null && running.get()) {
                  admin.run(random);
                  assertThat(table.used()).isLessThanOrEqualTo(table.size());
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
    return stored.get();
  }

  private interface AdminStep {
    void run(ThreadLocalRandom random);
  }
}
