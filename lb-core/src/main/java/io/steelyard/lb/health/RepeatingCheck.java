package io.steelyard.lb.health;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A {@link CheckRun} played again and again on one event loop: the timer that a {@link
 * HealthChecker} and an {@link AgentChecker} share. A subclass hears each outcome in {@link
 * #completed} and says when the next run comes; while {@link #paused}, none runs. State is the
 * loop's, but for the volatile figures the stats read.
 */
abstract class RepeatingCheck {
  final EventLoop loop;
  final CheckRun run;
  private final Consumer<CheckOutcome> ended = this::ended;
  volatile boolean running;
  volatile boolean paused;
  volatile long lastDurationMillis = -1;
  @Nullable ScheduledFuture<?> next;
  boolean stopped;
  private long started;

  RepeatingCheck(EventLoop loop, CheckRun run) {
    this.loop = loop;
    this.run = run;
  }

  /** Starts after {@code delay}, which spreads the first checks of many servers. */
  public void start(Duration delay) {
    loop.execute(() -> schedule(delay));
  }

  /** Stops for good; a run under way is cut short unheard. */
  public void stop() {
    loop.execute(() -> {
      stopped = true;
      cancel();
    });
  }

  /** Cancels the next run and the one under way; on the loop. */
  void cancel() {
    if (next != null) {
      next.cancel(false);
    }
    run.cancel();
    running = false;
  }

  /** Runs again after {@code delay}, unless stopped or paused; on the loop. */
  void schedule(Duration delay) {
    if (!stopped && !paused) {
      next = loop.schedule(this::runOnce, delay.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /** Called on the loop before each run. */
  void beforeRun() {}

  /** One run ended with {@code outcome} after {@code millis}; schedules the next. On the loop. */
  abstract void completed(CheckOutcome outcome, long millis);

  private void runOnce() {
    started = System.nanoTime();
    running = true;
    beforeRun();
    run.start(ended);
  }

  private void ended(CheckOutcome outcome) {
    running = false;
    if (stopped || paused) {
      return;
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    lastDurationMillis = millis;
    completed(outcome, millis);
  }
}
