package io.steelyard.lb.forward;

import io.steelyard.lb.config.TrafficLogging;
import io.steelyard.lb.log.LogFormat;
import io.steelyard.lb.log.LogLine;
import io.steelyard.lb.log.LogSink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A balancer's connection log: the sessions of logging frontends, queued by the forwarding
 * threads without blocking and without waking anyone, then formatted in their frontend's {@link
 * io.steelyard.lb.log.LogFormat} and written to its sink by one thread of its own, which takes
 * what has queued up every {@value #PAUSE_MILLIS} ms. The queue holds {@value #CAPACITY} sessions;
 * a session that finds it full is dropped and counted (HAProxy's {@code DroppedLogs}), so that a
 * slow sink never slows forwarding.
 */
final class TrafficLog implements AutoCloseable {
  /** How many finished sessions wait for the logging thread at most. */
  static final int CAPACITY = 16_384;
  /**
   * How long the logging thread rests when it finds the queue empty. The forwarding threads never
   * signal it: a wake-up per line would cost each of them a system call, and the logging thread a
   * scheduling round, per connection.
   */
  static final int PAUSE_MILLIS = 10;

  private static final Logger LOG = LoggerFactory.getLogger(TrafficLog.class);
  private static final int BATCH = 256;

  /** A session to write with {@code logging}, or, without a session, its sink to close. */
  private record Pending(TrafficLogging logging, FinishedSession session, long endedAtMillis) {}

  private final BlockingQueue<Pending> queue;
  private final AtomicLong dropped = new AtomicLong();
  private final Thread writer = new Thread(this::write, "steelyard-log");
  private volatile boolean closed;

  TrafficLog() {
    this(CAPACITY);
  }

  /** A log whose queue holds {@code capacity} sessions. */
  TrafficLog(int capacity) {
    queue = new ArrayBlockingQueue<>(capacity);
    writer.setDaemon(true);
    writer.start();
  }

  /** Queues {@code session} for {@code logging}'s sink, or drops it when the queue is full. */
  void offer(TrafficLogging logging, FinishedSession session) {
    if (!queue.offer(new Pending(logging, session, System.currentTimeMillis()))) {
      dropped.incrementAndGet();
    }
  }

  /**
   * Closes {@code sink} on the logging thread once the sessions queued before now are written;
   * waits for room in the queue, so call it off the forwarding threads.
   */
  void retire(LogSink sink) {
    try {
      queue.put(new Pending(new TrafficLogging(sink, false, LogFormat.TCPLOG), null, 0));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      sink.close();
    }
  }

  /** Sessions dropped because the queue was full. */
  long dropped() {
    return dropped.get();
  }

  private void write() {
    List<Pending> batch = new ArrayList<>(BATCH);
    while (true) {
      boolean last = closed;
      queue.drainTo(batch, BATCH);
      for (Pending next : batch) {
        if (next.session() == null) {
          close(next.logging().sink());
        } else {
          write(next.logging(), next.session(), next.endedAtMillis());
        }
      }
      if (batch.isEmpty()) {
        if (last) {
          return;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(PAUSE_MILLIS));
      }
      batch.clear();
    }
  }

  /** Writes {@code session}'s line to an {@link io.steelyard.lb.log.LogSink#inline()} sink now. */
  static void writeNow(TrafficLogging logging, FinishedSession session) {
    write(logging, session, System.currentTimeMillis());
  }

  private static void write(TrafficLogging logging, FinishedSession session, long endedAtMillis) {
    try {
      logging.sink().write(new LogLine(
          endedAtMillis, session.frontend(), LogLineRenderer.render(logging.format(), session)));
    } catch (RuntimeException e) {
      LOG.warn("a log sink failed: {}", e.toString());
    }
  }

  private static void close(LogSink sink) {
    try {
      sink.close();
    } catch (RuntimeException e) {
      LOG.warn("a log sink failed to close: {}", e.toString());
    }
  }

  /** Writes what is queued (for a second at most), then stops the thread. */
  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(writer);
    try {
      writer.join(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
