package io.steelyard.lb.testing;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Holds the thread that logs a line, for tests that must change the world while an event loop
 * stands still: the first thread to log a line that {@code held} accepts (slf4j-simple prints it
 * through whatever {@code System.err} is at the time) waits until {@link #release} or {@link
 * #close}. Other lines pass through. Closing restores {@code System.err} and lets the thread go.
 */
public final class LogHold implements AutoCloseable {
  private static final Duration LONGEST = Duration.ofSeconds(30);

  private final PrintStream original = System.err;
  private final CountDownLatch held = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);

  public LogHold(Predicate<String> heldLine) {
    System.setErr(new PrintStream(original, true, StandardCharsets.UTF_8) {
      @Override
      public void println(String line) {
        if (held.getCount() > 0 && heldLine.test(line)) {
          held.countDown();
          awaitQuietly(released);
        }
        super.println(line);
      }
    });
  }

  /** Waits until a thread is held, 10 s at most; fails if none is. */
  public void awaitHeld() throws InterruptedException {
    if (!held.await(10, TimeUnit.SECONDS)) {
      throw new AssertionError("no thread logged the line to be held on within 10 s");
    }
  }

  /** Lets the held thread (and any that comes later) go on. */
  public void release() {
    released.countDown();
  }

  @Override
  public void close() {
    release();
    System.setErr(original);
  }

  /** Waits for {@code latch}, {@link #LONGEST} at most, so that a failed test holds no thread. */
  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(LONGEST.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
