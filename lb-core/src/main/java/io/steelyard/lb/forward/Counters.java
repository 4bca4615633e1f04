package io.steelyard.lb.forward;

import io.steelyard.lb.stats.SessionTimes;
import io.steelyard.lb.stats.Traffic;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live traffic counters of one frontend, backend or server, updated from every event loop:
 * sums without contention, the levels that have maxima (connections, queue) and the rate by
 * atomic updates. "In" is the direction from the client towards the server, "out" back.
 */
final class Counters {
  private final AtomicLong current = new AtomicLong();
  private final AtomicLong maxCurrent = new AtomicLong();
  private final AtomicLong queued = new AtomicLong();
  private final AtomicLong maxQueued = new AtomicLong();
  private final RateCounter rate = new RateCounter();
  private volatile long lastSessionMillis;
  private final TimeAverage queueTime = new TimeAverage();
  private final TimeAverage connectTime = new TimeAverage();
  private final TimeAverage totalTime = new TimeAverage();
  final LongAdder total = new LongAdder();
  final LongAdder bytesIn = new LongAdder();
  final LongAdder bytesOut = new LongAdder();
  final LongAdder splicedIn = new LongAdder();
  final LongAdder splicedOut = new LongAdder();
  final LongAdder connectErrors = new LongAdder();
  final LongAdder retries = new LongAdder();
  final LongAdder redispatches = new LongAdder();
  final LongAdder queueTimeouts = new LongAdder();
  final LongAdder refused = new LongAdder();
  final LongAdder clientAborts = new LongAdder();
  final LongAdder serverAborts = new LongAdder();

  /**
   * Counts {@code bytes} relayed from the client ({@code fromClient}) or to it, and as spliced too
   * when the zero-copy relay moved them.
   */
  void relayed(boolean fromClient, int bytes, boolean spliced) {
    (fromClient ? bytesIn : bytesOut).add(bytes);
    if (spliced) {
      (fromClient ? splicedIn : splicedOut).add(bytes);
    }
  }

  /** Connections open now. */
  long current() {
    return current.get();
  }

  /** Connections since start. */
  long total() {
    return total.sum();
  }

  /** Bytes from clients towards servers. */
  long bytesIn() {
    return bytesIn.sum();
  }

  /** Bytes from servers towards clients. */
  long bytesOut() {
    return bytesOut.sum();
  }

  /**
   * The part of {@link #bytesIn()} that a {@link io.steelyard.lb.transport.ZeroCopyRelay} moved
   * from socket to socket in the kernel (spliced) rather than copied through the JVM.
   */
  long splicedIn() {
    return splicedIn.sum();
  }

  /** The part of {@link #bytesOut()} moved without copying, as {@link #splicedIn()}. */
  long splicedOut() {
    return splicedOut.sum();
  }

  /** Failed connection attempts to servers. */
  long connectErrors() {
    return connectErrors.sum();
  }

  /** Connection attempts repeated on the same server. */
  long retries() {
    return retries.sum();
  }

  /** Connections moved to another server after failed attempts. */
  long redispatches() {
    return redispatches.sum();
  }

  /** Connections waiting in a queue now. */
  long queued() {
    return queued.get();
  }

  /** Connections dropped because their time in the queue ran out. */
  long queueTimeouts() {
    return queueTimeouts.sum();
  }

  /** Connections closed at once because no server could take them. */
  long refused() {
    return refused.sum();
  }

  /** A snapshot of every counter. */
  Traffic traffic() {
    return new Traffic(
        current(),
        total(),
        bytesIn(),
        bytesOut(),
        splicedIn(),
        splicedOut(),
        connectErrors(),
        retries(),
        redispatches(),
        queued(),
        queueTimeouts(),
        refused(),
        maxCurrent.get(),
        maxQueued.get(),
        rate.rate(),
        rate.max(),
        lastSessionMillis == 0 ? null : Instant.ofEpochMilli(lastSessionMillis),
        clientAborts.sum(),
        serverAborts.sum(),
        new SessionTimes(queueTime.average(), connectTime.average(), totalTime.average(),
            queueTime.max(), connectTime.max(), totalTime.max()));
  }

  /** A connection opens: counted, and in the rate, the maximum and the time of the last one. */
  void open() {
    raise(maxCurrent, current.incrementAndGet());
    total.increment();
    rate.increment();
    lastSessionMillis = System.currentTimeMillis();
  }

  void close() {
    current.decrementAndGet();
  }

  /** A connection starts waiting in a queue. */
  void enqueue() {
    raise(maxQueued, queued.incrementAndGet());
  }

  /** A connection leaves a queue. */
  void dequeue() {
    queued.decrementAndGet();
  }

  /**
   * A session that reached a server ends, after {@code queueMillis} in a queue and {@code
   * connectMillis} connecting, {@code totalMillis} after it was accepted: HAProxy's {@code qtime},
   * {@code ctime} and {@code ttime}.
   */
  void connectedSessionEnded(long queueMillis, long connectMillis, long totalMillis) {
    queueTime.add(queueMillis);
    connectTime.add(connectMillis);
    totalTime.add(totalMillis);
  }

  /** A session ends as {@code how}: an abort by the client or the server during data is counted. */
  void ended(Termination how) {
    if (how == Termination.CLIENT_CLOSED || how == Termination.CLIENT_TIMEOUT) {
      clientAborts.increment();
    } else if (how == Termination.SERVER_CLOSED || how == Termination.SERVER_TIMEOUT) {
      serverAborts.increment();
    }
  }

  private static void raise(AtomicLong max, long value) {
    if (value > max.get()) {
      max.accumulateAndGet(value, Math::max);
    }
  }
}
