package io.steelyard.lb.forward;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The inactivity timeout of one side of a session, HAProxy's {@code timeout client} and {@code
 * timeout server}: it fires when the side's channel has had no read, no write queued and no
 * progress in writing what was queued for the whole timeout, and again each timeout after that
 * while it stays so.
 *
 * <p>One task on the channel's event loop, moved on lazily: a read or a write only notes the time,
 * and the task, when it runs, waits again for what is left of the timeout. Netty's {@code
 * IdleStateHandler} does the same work with a promise and a listener for every write: 190 of the
 * 247 bytes that a relayed keep-alive round trip allocated.
 */
final class InactivityTimer implements Runnable {
  private final Channel channel;
  private final long timeoutNanos;
  private final Runnable onIdle;
  private long lastActivity;
  private long lastPending;
  private ScheduledFuture<?> task;

  /** Starts timing {@code channel}, which is active; {@code onIdle} runs on its event loop. */
  InactivityTimer(Channel channel, long timeoutMillis, Runnable onIdle) {
    this.channel = channel;
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
    if (!channel.isActive()) {
      return;
    }
    long now = System.nanoTime();
    ChannelOutboundBuffer queued = channel.unsafe().outboundBuffer();
    long pending = queued == null ? 0 : queued.totalPendingWriteBytes();
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
    if (channel.isActive()) {
      lastActivity = now;
      schedule(timeoutNanos);
    }
  }

  private void schedule(long delayNanos) {
    task = channel.eventLoop().schedule(this, delayNanos, TimeUnit.NANOSECONDS);
  }
}
