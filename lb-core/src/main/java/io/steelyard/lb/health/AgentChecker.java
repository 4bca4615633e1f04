package io.steelyard.lb.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Asks one server's agent every {@code agent-inter} on an event loop and hands each answer to its
 * {@link Listener}, which applies it. Only an answer changes anything: an agent that cannot be
 * reached, times out or closes without a whole line is only shown in the stats, as in HAProxy.
 */
public final class AgentChecker {

  /** Told of each answer, on the checker's event loop. */
  public interface Listener {
    /**
     * The agent answered {@code reply}, which HAProxy reports as {@code outcome}; {@code wasDown}
     * is what it said of the server's health before, {@link #down()} what it says now.
     */
    void replied(AgentReply reply, CheckOutcome outcome, boolean wasDown, long checkMillis);
  }

  private static final String INCOMPLETE = "Ignoring incomplete line from agent";

  private final EventLoop loop;
  private final CheckRun run;
  private final Duration inter;
  private final Listener listener;
  private final LineReader reader = new LineReader();
  private volatile CheckOutcome last;
  private volatile boolean running;
  private volatile boolean down;
  private volatile long lastDurationMillis = -1;
  private ScheduledFuture<?> next;
  private long started;
  private boolean stopped;

  /**
   * @param bootstrap a bootstrap with the channel type of the balancer's transport; cloned here
   * @param connectTimeout the backend's connect timeout; with {@code checkTimeout}, HAProxy's
   *     {@code timeout check}, it bounds an agent check as it bounds a health check
   */
  public AgentChecker(
      EventLoop loop,
      Bootstrap bootstrap,
      InetSocketAddress server,
      AgentCheck agent,
      Duration connectTimeout,
      Duration checkTimeout,
      Listener listener) {
    this.loop = loop;
    this.inter = agent.inter();
    InetSocketAddress target = new InetSocketAddress(
        agent.address() == null ? server.getAddress() : agent.address(), agent.port());
    Duration connect =
        checkTimeout == null || connectTimeout.isZero() || connectTimeout.compareTo(inter) > 0
            ? inter
            : connectTimeout;
    this.run =
        new CheckRun(
            loop, bootstrap, target, agent.steps(reader), null, false, connect, checkTimeout);
    this.listener = listener;
  }

  /** Whether the agent last said the server is down. Readable from any thread. */
  public boolean down() {
    return down;
  }

  /** The agent's figures now, for the stats. Readable from any thread. */
  public CheckStats stats() {
    return new CheckStats(1, 1, down ? 0 : 1, !down, 0, 0, last, running, lastDurationMillis);
  }

  /** Starts asking after {@code delay}. */
  public void start(Duration delay) {
    loop.execute(() -> schedule(delay));
  }

  /** Stops asking; an exchange under way is cut short unheard. */
  public void stop() {
    loop.execute(() -> {
      stopped = true;
      if (next != null) {
        next.cancel(false);
      }
      run.cancel();
      running = false;
    });
  }

  private void schedule(Duration delay) {
    if (!stopped) {
      next = loop.schedule(this::ask, delay.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void ask() {
    started = System.nanoTime();
    running = true;
    reader.reply = null;
    run.start(this::answered);
  }

  private void answered(CheckOutcome ran) {
    running = false;
    if (stopped) {
      return;
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    lastDurationMillis = millis;
    AgentReply reply = reader.reply;
    if (reply == null) {
      boolean incomplete = ran.info().equals(INCOMPLETE);
      CheckOutcome previous = last;
      last = incomplete && previous != null
          ? new CheckOutcome(previous.status(), previous.code(), INCOMPLETE)
          : ran;
    } else {
      CheckOutcome outcome = reply.outcome();
      last = outcome;
      boolean wasDown = down;
      if (reply.health() != null) {
        down = reply.down();
      }
      listener.replied(reply, outcome, wasDown, millis);
    }
    schedule(inter);
  }

  /** Reads the agent's first line; a line cut by the end of the input is ignored. */
  private static final class LineReader implements ResponseParser {
    AgentReply reply;

    @Override
    public CheckOutcome judge(byte[] answer, int length, boolean more) {
      for (int i = 0; i < length; i++) {
        if (answer[i] == '\r' || answer[i] == '\n') {
          reply = AgentReply.parse(new String(answer, 0, i, StandardCharsets.ISO_8859_1));
          return CheckOutcome.of(CheckStatus.L7OK, "");
        }
      }
      return more ? null : CheckOutcome.of(CheckStatus.L7RSP, INCOMPLETE);
    }
  }
}
