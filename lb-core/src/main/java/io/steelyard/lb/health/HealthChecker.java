package io.steelyard.lb.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Checks one server with its {@link Check} on an event loop, never blocking it, and reports when
 * the server goes down or comes up. The counting rules are {@link Health}'s, the steps {@link
 * CheckRun}'s; this class adds the timer. Live traffic reaches it through {@link #observe}, from
 * any thread.
 */
public final class HealthChecker extends RepeatingCheck {

  /** Told of each change, on the checker's event loop. */
  public interface Listener {
    /** The server came up with {@code outcome}, which took {@code checkMillis}. */
    void up(CheckOutcome outcome, long checkMillis);

    /**
     * The server went down with {@code outcome}; {@code checkMillis} is -1 when live traffic, not
     * a check, took it down ({@link CheckStatus#HANA}).
     */
    void down(CheckOutcome outcome, long checkMillis);
  }

  private final Health health;
  private final Listener listener;
  private final int errorLimit;
  private final CheckSettings settings;
  private volatile boolean up = true;
  private volatile int healthValue;
  private volatile long failedChecks;
  private volatile long downTransitions;
  private volatile @Nullable CheckOutcome last;

  /**
   * @param bootstrap a bootstrap with the channel type of the balancer's transport; cloned here
   * @param connectTimeout the backend's connect timeout, which caps a check's when {@code timeout
   *     check} is set
   */
  public HealthChecker(
      EventLoop loop,
      Bootstrap bootstrap,
      InetSocketAddress target,
      CheckSettings settings,
      Duration connectTimeout,
      Listener listener) {
    super(
        loop,
        new CheckRun(
            loop,
            bootstrap,
            target,
            settings.check(),
            settings.tls(),
            settings.sendProxy(),
            settings.checkTimeout(connectTimeout),
            settings.timeout()));
    this.health = new Health(settings);
    this.settings = settings;
    this.healthValue = health.value();
    this.listener = listener;
    this.errorLimit = settings.errorLimit();
  }

  /** Whether the checks say the server is up. Readable from any thread. */
  public boolean up() {
    return up;
  }

  /**
   * The checks' figures now, for the stats: HAProxy's {@code check_health}, {@code chkfail},
   * {@code chkdown}, {@code check_status}, {@code check_code}, {@code last_chk}, {@code
   * check_duration}. Readable from any thread.
   */
  public CheckStats stats() {
    return new CheckStats(
        settings.rise(), settings.fall(), healthValue, up, failedChecks, downTransitions,
        paused ? null : last, running, lastDurationMillis);
  }

  /**
   * Pauses the checks while the server is in maintenance, as HAProxy does: none runs, the server
   * counts as down, and the stats show no last outcome. Takes effect at once, from any thread.
   */
  public void pause() {
    if (paused) {
      return;
    }
    paused = true;
    up = false;
    healthValue = 0;
    loop.execute(() -> {
      cancel();
      health.maintenance();
    });
  }

  /**
   * Resumes paused checks as the server leaves maintenance: it is up at once, down at its first
   * failed check, and the first check runs now. Takes effect at once, from any thread.
   */
  public void resume() {
    if (!paused) {
      return;
    }
    healthValue = settings.rise();
    up = true;
    paused = false;
    loop.execute(() -> {
      health.leftMaintenance();
      schedule(Duration.ZERO);
    });
  }

  /** The outcome of a live connection to the server, for {@code observe layer4}. */
  public void observe(boolean connected) {
    loop.execute(() -> {
      if (paused) {
        return;
      }
      if (connected) {
        health.observedSuccess();
      } else if (observedError()) {
        CheckOutcome outcome =
            CheckOutcome.of(
                CheckStatus.HANA,
                "Detected " + errorLimit + " consecutive errors, last one was: L4 unsuccessful"
                    + " connection");
        last = outcome;
        wentDown(outcome, -1);
      }
      ScheduledFuture<?> pending = next;
      if (pending != null && !pending.isDone() && health.fastInterForced() && !stopped) {
        pending.cancel(false);
        schedule(health.nextInterval());
      }
    });
  }

  @Override
  void completed(CheckOutcome outcome, long millis) {
    last = outcome;
    if (outcome.status().passed()) {
      boolean cameUp = health.passed();
      healthValue = health.value();
      if (cameUp) {
        up = true;
        listener.up(outcome, millis);
      }
    } else {
      failedChecks++; // written on the checker's loop only
      boolean wentDown = health.failed();
      healthValue = health.value();
      if (wentDown) {
        wentDown(outcome, millis);
      }
    }
    schedule(health.nextInterval());
  }

  private boolean observedError() {
    boolean wentDown = health.observedError();
    healthValue = health.value();
    return wentDown;
  }

  private void wentDown(CheckOutcome outcome, long millis) {
    up = false;
    downTransitions++; // written on the checker's loop only
    listener.down(outcome, millis);
  }
}
