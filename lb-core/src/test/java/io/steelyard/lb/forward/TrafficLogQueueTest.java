package io.steelyard.lb.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steelyard.lb.config.TrafficLogging;
import io.steelyard.lb.log.LogFormat;
import io.steelyard.lb.log.LogLine;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The connection log never blocks the forwarding threads: a sink that blocks costs lines, counted. */
class TrafficLogQueueTest {
  private static FinishedSession session(int port) {
    return new FinishedSession(new InetSocketAddress("127.0.0.1", port), 0, "ft", "bk", "s1",
        0, 1, 2, 15, Termination.NORMAL, 1, 1, 1, 1, 0, false, 0, 0, 7, null, null, null);
  }

  @Test
  void aBlockedSinkFillsTheQueueAndTheRestIsDroppedAndCounted() throws Exception {
    CountDownLatch unblock = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    List<LogLine> written = new CopyOnWriteArrayList<>();
    TrafficLogging logging = new TrafficLogging(line -> {
      entered.countDown();
      try {
        unblock.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      written.add(line);
    }, false, LogFormat.TCPLOG);
    TrafficLog log = new TrafficLog(10);
    try {
      log.offer(logging, session(40_000));
      assertThat(entered.await(5, TimeUnit.SECONDS)).as("the first line reached the sink").isTrue();
      long start = System.nanoTime();
      for (int i = 1; i < 100; i++) {
        log.offer(logging, session(40_000 + i));
      }
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
          .as("99 offers to a blocked sink return at once").isLessThan(1_000);
      assertThat(log.dropped()).as("one in the sink, ten queued, the rest dropped").isEqualTo(89);
      unblock.countDown();
      await().until(() -> written.size() == 11);
      assertThat(written.get(0).message()).isEqualTo(LogLineRenderer.render(LogFormat.TCPLOG, session(40_000)));
      assertThat(written.get(0).message()).matches(
          "127\\.0\\.0\\.1:40000 \\[\\d\\d/[A-Z][a-z]{2}/\\d{4}:\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\] ft bk/s1 0/1/2 15 -- 1/1/1/1/0 0/0");
    } finally {
      log.close();
    }
  }
}
