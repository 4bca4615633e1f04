package io.steelyard.vrrp.packet;

import java.util.concurrent.TimeUnit;

/**
 * Log lines about dropped packets, at most one per reason every {@link #INTERVAL_NANOS}: the first
 * drop of a reason is logged at once, the next ones are counted and the count is told with the
 * first line after the interval. A flood of bad packets thus costs at most one line per reason
 * every ten seconds.
 */
final class DropLog {
  static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** Where the lines go: slf4j, or a list in tests. */
  interface Sink {
    void log(DropReason reason, String line);
  }

  private final Sink sink;
  private final boolean[] logged = new boolean[DropReason.values().length];
  private final long[] lastLine = new long[DropReason.values().length];
  private final long[] suppressed = new long[DropReason.values().length];

  DropLog(Sink sink) {
    this.sink = sink;
  }

  /** Whether a line for this reason may be written now; if not, the drop is counted for later. */
  boolean permits(DropReason reason, long nanoTime) {
    int i = reason.ordinal();
    if (logged[i] && nanoTime - lastLine[i] < INTERVAL_NANOS) {
      suppressed[i]++;
      return false;
    }
    return true;
  }

  /** Writes the line, with the number of drops that were not logged since the previous one. */
  void write(DropReason reason, long nanoTime, String line) {
    int i = reason.ordinal();
    long more = suppressed[i];
    logged[i] = true;
    lastLine[i] = nanoTime;
    suppressed[i] = 0;
    sink.log(reason, more == 0 ? line : line + " (and " + more + " more since the last report)");
  }
}
