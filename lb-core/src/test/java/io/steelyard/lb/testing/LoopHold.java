package io.steelyard.lb.testing;

import io.steelyard.lb.log.LogLine;
import io.steelyard.lb.log.LogSink;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Holds an event loop, for tests that must change the world while it stands still: an {@link
 * LogSink#inline() inline} log sink, called on the event loop as each connection ends, that holds
 * the loop on the first line {@link #arm armed} for, until {@link #release} (or {@link #LONGEST},
 * so that a failed test holds no thread). Other lines pass.
 */
public final class LoopHold implements LogSink {
  private static final Duration LONGEST = Duration.ofSeconds(30);

  private volatile Predicate<String> heldLine;
  private volatile CountDownLatch held = new CountDownLatch(0);
  private volatile CountDownLatch released = new CountDownLatch(0);

  /** Holds the loop that writes the next line {@code line} accepts. */
  public void arm(Predicate<String> line) {
    held = new CountDownLatch(1);
    released = new CountDownLatch(1);
    heldLine = line;
  }

  @Override
  public boolean inline() {
    return true;
  }

  @Override
  public void write(LogLine line) {
    Predicate<String> armed = heldLine;
    if (armed != null && armed.test(line.message())) {
      heldLine = null;
      held.countDown();
      try {
        released.await(LONGEST.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Waits until a loop is held, 10 s at most; fails if none is. */
  public void awaitHeld() throws InterruptedException {
    if (!held.await(10, TimeUnit.SECONDS)) {
      throw new AssertionError("no event loop ended the connection to be held on within 10 s");
    }
  }

  /** Lets the held loop go on. */
  public void release() {
    released.countDown();
  }
}
