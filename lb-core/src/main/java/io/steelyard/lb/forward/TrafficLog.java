package io.steelyard.lb.forward;

import io.steelyard.lb.config.TrafficLogging;
import io.steelyard.lb.log.LogLine;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A balancer's connection log: the sessions of logging frontends, queued by the forwarding
 * threads without blocking, formatted as HAProxy's tcplog lines ({@link LogLine}) and written to
 * their frontend's sink by one thread of its own. The queue holds {@value #CAPACITY} sessions; a
 * session that finds it full is dropped and counted (HAProxy's {@code DroppedLogs}), so that a
 * slow sink never slows forwarding.
 */
final class TrafficLog implements AutoCloseable {
  /** How many finished sessions wait for the logging thread at most. */
  static final int CAPACITY = 16_384;

  private static final Logger LOG = LoggerFactory.getLogger(TrafficLog.class);
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss.SSS", Locale.ENGLISH)
          .withZone(ZoneId.systemDefault());

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

  /** Sessions dropped because the queue was full. */
  long dropped() {
    return dropped.get();
  }

  private void write() {
    while (!closed || !queue.isEmpty()) {
      Pending next;
      try {
        next = queue.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (next == null) {
        continue;
      }
      write(next.logging(), next.session(), next.endedAtMillis());
    }
  }

  /** Writes {@code session}'s line to an {@link io.steelyard.lb.log.LogSink#inline()} sink now. */
  static void writeNow(TrafficLogging logging, FinishedSession session) {
    write(logging, session, System.currentTimeMillis());
  }

  private static void write(TrafficLogging logging, FinishedSession session, long endedAtMillis) {
    try {
      logging.sink().write(new LogLine(endedAtMillis, session.frontend(), format(session)));
    } catch (RuntimeException e) {
      LOG.warn("a log sink failed: {}", e.toString());
    }
  }

  /** The session's tcplog line. */
  static String format(FinishedSession session) {
    InetSocketAddress client = session.client();
    return (client == null ? "-" : client.getAddress().getHostAddress()) + ':'
        + (client == null ? "-" : String.valueOf(client.getPort()))
        + " [" + DATE.format(Instant.ofEpochMilli(session.acceptedAtMillis())) + "] "
        + session.frontend() + ' ' + session.backend() + '/'
        + (session.server() == null ? "<NOSRV>" : session.server()) + ' '
        + session.queueMillis() + '/' + session.connectMillis() + '/' + session.totalMillis() + ' '
        + session.bytesOut() + ' ' + session.termination().code() + ' '
        + session.activeConnections() + '/' + session.frontendConnections() + '/'
        + session.backendConnections() + '/' + session.serverConnections() + '/'
        + (session.redispatched() ? "+" : "") + session.retries() + ' '
        + session.serverQueue() + '/' + session.backendQueue();
  }

  /** Writes what is queued (for a second at most), then stops the thread. */
  @Override
  public void close() {
    closed = true;
    try {
      writer.join(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
