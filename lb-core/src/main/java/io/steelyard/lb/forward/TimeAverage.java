package io.steelyard.lb.forward;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A duration averaged over the last {@value #SAMPLES} sessions, as HAProxy's sliding-window
 * average ({@code swrate}) keeps it for {@code qtime}, {@code ctime} and {@code ttime}: a sum
 * from which each new sample takes one {@value #SAMPLES}th before adding itself, over fewer
 * samples while there are fewer; and the longest one seen.
 */
final class TimeAverage {
  /** How many of the last samples the average spans. */
  static final int SAMPLES = 1024;

  private final AtomicLong sum = new AtomicLong();
  private final AtomicLong samples = new AtomicLong();
  private final AtomicLong max = new AtomicLong();

  /** Adds a sample of {@code millis}. */
  void add(long millis) {
    boolean full = samples.incrementAndGet() > SAMPLES;
    sum.getAndUpdate(sum -> full ? sum - (sum + SAMPLES - 1) / SAMPLES + millis : sum + millis);
    if (millis > max.get()) {
      max.accumulateAndGet(millis, Math::max);
    }
  }

  /** The average, in milliseconds, 0 before the first sample. */
  long average() {
    long window = Math.min(samples.get(), SAMPLES);
    return window == 0 ? 0 : (sum.get() + window - 1) / window;
  }

  /** The longest sample, in milliseconds. */
  long max() {
    return max.get();
  }
}
