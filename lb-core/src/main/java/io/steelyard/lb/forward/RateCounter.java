package io.steelyard.lb.forward;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Events per second, as HAProxy's frequency counters measure them: the events of the current
 * second, plus those of the second before weighted by the part of it still within the last
 * second; and the highest rate seen. Counting is one atomic increment, and a rotation once a
 * second; an event counted while a rotation runs may land in the next second.
 */
final class RateCounter {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private final AtomicLong current = new AtomicLong();
  private final AtomicLong max = new AtomicLong();
  private volatile long periodStart = System.nanoTime();
  private volatile long previous;

  /** Counts one event now. */
  void increment() {
    long now = System.nanoTime();
    if (now - periodStart >= SECOND) {
      rotate(now);
    }
    current.incrementAndGet();
    long rate = rate(now);
    if (rate > max.get()) {
      max.accumulateAndGet(rate, Math::max);
    }
  }

  private synchronized void rotate(long now) {
    long elapsed = now - periodStart;
    if (elapsed < SECOND) {
      return;
    }
    long count = current.getAndSet(0);
    previous = elapsed < 2 * SECOND ? count : 0;
    periodStart = now - elapsed % SECOND;
  }

  /** Events over the last second. */
  long rate() {
    return rate(System.nanoTime());
  }

  private long rate(long now) {
    long elapsed = now - periodStart;
    long count = current.get();
    if (elapsed >= 2 * SECOND) {
      return 0;
    }
    if (elapsed >= SECOND) {
      return count * (2 * SECOND - elapsed) / SECOND;
    }
    return count + previous * (SECOND - elapsed) / SECOND;
  }

  /** The highest rate seen. */
  long max() {
    return max.get();
  }
}
