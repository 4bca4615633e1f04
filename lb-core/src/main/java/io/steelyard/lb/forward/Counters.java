package io.steelyard.lb.forward;

import io.steelyard.lb.stats.Traffic;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live traffic counters of one frontend, backend or server, updated from every event loop
 * without contention. "In" is the direction from the client towards the server, "out" back.
 */
final class Counters {
  final LongAdder current = new LongAdder();
  final LongAdder total = new LongAdder();
  final LongAdder bytesIn = new LongAdder();
  final LongAdder bytesOut = new LongAdder();
  final LongAdder splicedIn = new LongAdder();
  final LongAdder splicedOut = new LongAdder();
  final LongAdder connectErrors = new LongAdder();
  final LongAdder retries = new LongAdder();
  final LongAdder redispatches = new LongAdder();
  final LongAdder queued = new LongAdder();
  final LongAdder queueTimeouts = new LongAdder();
  final LongAdder refused = new LongAdder();

  /** Connections open now. */
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

  long current() {
    return current.sum();
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
    return queued.sum();
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
        refused());
  }

  void open() {
    current.increment();
    total.increment();
  }

  void close() {
    current.decrement();
  }
}
