package io.steelyard.lb.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Checks one server with TCP connections on an event loop, never blocking it, and reports when
 * the server goes down or comes up. The counting rules are {@link Health}'s; this class adds the
 * timer and the sockets. Live traffic reaches it through {@link #observe}, from any thread.
 */
public final class HealthChecker {

  /** Told of each change, on the checker's event loop. */
  public interface Listener {
    /** The server came up; {@code reason} such as {@code Layer4 check passed}. */
    void up(String reason, long checkMillis);

    /**
     * The server went down; {@code reason} such as {@code Layer4 connection problem}, {@code info}
     * the system's words (such as {@code Connection refused}) or {@code null}, {@code checkMillis}
     * -1 when live traffic, not a check, took it down.
     */
    void down(String reason, String info, long checkMillis);
  }

  private final EventLoop loop;
  private final Bootstrap bootstrap;
  private final InetSocketAddress target;
  private final Health health;
  private final Listener listener;
  private final int timeoutMillis;
  private final int errorLimit;
  private final CheckSettings settings;
  private volatile boolean up = true;
  private volatile int healthValue;
  private volatile long failedChecks;
  private volatile long downTransitions;
  private volatile String lastStatus;
  private volatile long lastDurationMillis = -1;
  private ScheduledFuture<?> next;
  private ChannelFuture running;
  private boolean stopped;

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
    this.loop = loop;
    this.bootstrap = bootstrap.clone(loop);
    this.target = target;
    this.health = new Health(settings);
    this.settings = settings;
    this.healthValue = health.value();
    this.listener = listener;
    this.timeoutMillis = Math.toIntExact(settings.checkTimeout(connectTimeout).toMillis());
    this.errorLimit = settings.errorLimit();
  }

  /** Whether the checks say the server is up. Readable from any thread. */
  public boolean up() {
    return up;
  }

  /**
   * The checks' figures now, for the stats: HAProxy's {@code check_health}, {@code chkfail},
   * {@code chkdown}, {@code check_status}, {@code check_duration}. Readable from any thread.
   */
  public CheckStats stats() {
    return new CheckStats(
        settings.rise(), settings.fall(), healthValue, up, failedChecks, downTransitions,
        lastStatus, lastDurationMillis);
  }

  /** Starts checking after {@code delay}, which spreads the first checks of many servers. */
  public void start(Duration delay) {
    loop.execute(() -> schedule(delay));
  }

  /** Stops checking; a check under way is left to finish unheard. */
  public void stop() {
    loop.execute(() -> {
      stopped = true;
      if (next != null) {
        next.cancel(false);
      }
      if (running != null) {
        running.cancel(false);
      }
    });
  }

  /** The outcome of a live connection to the server, for {@code observe layer4}. */
  public void observe(boolean connected) {
    loop.execute(() -> {
      if (connected) {
        health.observedSuccess();
      } else if (observedError()) {
        wentDown(
            "Health analyze",
            "Detected " + errorLimit + " consecutive errors, last one was: L4 unsuccessful connection",
            -1);
      }
      boolean waiting = next != null && !next.isDone();
      if (health.fastInterForced() && waiting && !stopped) {
        next.cancel(false);
        schedule(health.nextInterval());
      }
    });
  }

  private void schedule(Duration delay) {
    if (!stopped) {
      next = loop.schedule(this::check, delay.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void check() {
    long start = System.nanoTime();
    running =
        bootstrap
            .clone()
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis)
            .handler(new ChannelInboundHandlerAdapter())
            .connect(target);
    running.addListener((ChannelFutureListener) f -> checked(f, start));
  }

  private void checked(ChannelFuture future, long start) {
    running = null;
    if (future.isSuccess()) {
      future.channel().close();
    }
    if (stopped) {
      return;
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    lastDurationMillis = millis;
    if (future.isSuccess() || acceptedThenReset(future.cause())) {
      lastStatus = "L4OK";
      boolean cameUp = health.passed();
      healthValue = health.value();
      if (cameUp) {
        up = true;
        listener.up("Layer4 check passed", millis);
      }
    } else {
      Throwable cause = future.cause();
      boolean timeout = cause instanceof ConnectTimeoutException;
      lastStatus = timeout ? "L4TOUT" : "L4CON";
      failedChecks++; // written on the checker's loop only
      boolean wentDown = health.failed();
      healthValue = health.value();
      if (wentDown) {
        if (timeout) {
          wentDown("Layer4 timeout", null, millis);
        } else {
          wentDown("Layer4 connection problem", systemWords(cause), millis);
        }
      }
    }
    schedule(health.nextInterval());
  }

  private boolean observedError() {
    boolean wentDown = health.observedError();
    healthValue = health.value();
    return wentDown;
  }

  private void wentDown(String reason, String info, long millis) {
    up = false;
    downTransitions++; // written on the checker's loop only
    listener.down(reason, info, millis);
  }

  /**
   * Whether the server accepted the connection and reset it before the connect was seen to
   * complete: the system reports a reset, not a refusal, only for a handshake that was made. The
   * layer-4 check asks no more than that, so it passes, as HAProxy's does.
   */
  private static boolean acceptedThenReset(Throwable cause) {
    String words = systemWords(cause);
    return cause instanceof SocketException
        && (words.equals("Connection reset by peer") || words.equals("Connection reset"));
  }

  /**
   * {@code Connection refused} out of Netty's {@code connect(..) failed: Connection refused:
   * /127.0.0.1:8080}: the system's words, without the call before them nor the address after.
   */
  private static String systemWords(Throwable cause) {
    String message = String.valueOf(cause.getMessage()).replaceFirst(": /\\S+$", "");
    int colon = message.lastIndexOf(": ");
    return colon < 0 ? message : message.substring(colon + 2);
  }
}
