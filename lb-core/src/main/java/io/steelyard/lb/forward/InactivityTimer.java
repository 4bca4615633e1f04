package io.steelyard.lb.forward;

import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A side's inactivity timeout, HAProxy's {@code timeout client} and {@code timeout server}: it
 * fires when the side has had no read, no write queued and no progress in writing what was queued
 * for the whole timeout, and again each timeout after that while it stays so.
 *
 * <p>One task on the side's event loop, moved on lazily: a read or a write only notes the time,
 * and the task, when it runs, waits again for what is left of the timeout. Netty's {@code
 * IdleStateHandler} does the same work with a promise and a listener for every write, which made
 * a quarter of what a short connection allocated.
 */
final class InactivityTimer implements Runnable {
  private final Side side;
  private final long timeoutNanos;
  private final Runnable onIdle;
  private long lastActivity;
  private long lastPending;
  private ScheduledFuture<?> task;

  /** Starts timing {@code side}, which is active; {@code onIdle} runs on its event loop. */
  InactivityTimer(Side side, long timeoutMillis, Runnable onIdle) {
    this.side = side;
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    this.onIdle = onIdle;
    this.lastActivity = System.nanoTime();
    schedule(timeoutNanos);
  }

  /** A read or a write happened now. */
  void touch() {
    lastActivity = System.nanoTime();
  }

  /** Stops timing, as the side closes. */
  void cancel() {
    if (task != null) {
      task.cancel(false);
      task = null;
    }
  }

  @Override
  public void run() {
    task = null;
    if (!side.isActive()) {
      return;
    }
    long now = System.nanoTime();
    long pending = side.pendingBytes();
    if (pending != lastPending) {
      // What was queued for writing moved: the peer is reading, slowly perhaps, but reading.
      lastPending = pending;
      lastActivity = now;
    }
    long idleFor = now - lastActivity;
    if (idleFor < timeoutNanos) {
      schedule(timeoutNanos - idleFor);
      return;
    }
    onIdle.run();
    if (side.isActive()) {
      lastActivity = now;
      schedule(timeoutNanos);
    }
  }

  private void schedule(long delayNanos) {
    task = side.channel().eventLoop().schedule(this, delayNanos, TimeUnit.NANOSECONDS);
  }
}
