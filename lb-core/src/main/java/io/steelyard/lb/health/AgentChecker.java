package io.steelyard.lb.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Asks one server's agent every {@code agent-inter} on an event loop and hands each answer to its
 * {@link Listener}, which applies it. Only an answer changes anything: an agent that cannot be
 * reached, times out or closes without a whole line is only shown in the stats, as in HAProxy.
 */
public final class AgentChecker extends RepeatingCheck {

  /** Told of each answer, on the checker's event loop. */
  public interface Listener {
    /**
     * The agent answered {@code reply}, which HAProxy reports as {@code outcome}; {@code wasDown}
     * is what it said of the server's health before, {@link #down()} what it says now.
     */
    void replied(AgentReply reply, CheckOutcome outcome, boolean wasDown, long checkMillis);
  }

  private static final String INCOMPLETE = "Ignoring incomplete line from agent";

  private final Duration inter;
  private final Listener listener;
  private final LineReader reader;
  private volatile @Nullable CheckOutcome last;
  private volatile boolean down;

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
      @Nullable Duration checkTimeout,
      Listener listener) {
    this(loop, bootstrap, server, agent, connectTimeout, checkTimeout, listener, new LineReader());
  }

  private AgentChecker(
      EventLoop loop,
      Bootstrap bootstrap,
      InetSocketAddress server,
      AgentCheck agent,
      Duration connectTimeout,
      @Nullable Duration checkTimeout,
      Listener listener,
      LineReader reader) {
    super(
        loop,
        new CheckRun(
            loop,
            bootstrap,
            new InetSocketAddress(
                agent.address() == null ? server.getAddress() : agent.address(), agent.port()),
            agent.steps(reader),
            null,
            false,
            checkTimeout == null || connectTimeout.isZero()
                    || connectTimeout.compareTo(agent.inter()) > 0
                ? agent.inter()
                : connectTimeout,
            checkTimeout));
    this.inter = agent.inter();
    this.reader = reader;
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

  @Override
  void beforeRun() {
    reader.reply = null;
  }

  @Override
  void completed(CheckOutcome ran, long millis) {
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
    @Nullable AgentReply reply;

    @Override
    public @Nullable CheckOutcome judge(byte[] answer, int length, boolean more) {
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
