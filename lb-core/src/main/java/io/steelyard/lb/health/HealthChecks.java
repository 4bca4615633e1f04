package io.steelyard.lb.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The running health checks of one balancer: a {@link HealthChecker} per checked server, each on
 * one of the balancer's event loops, until its server is removed or the balancer stops.
 *
 * <p>The first checks of a backend's servers spread over one interval ({@code position} of
 * {@code count}), so that a backend's servers are not all checked in the same instant.
 */
public final class HealthChecks {
  private final EventLoopGroup loops;
  private final Bootstrap bootstrap;
  private final Set<HealthChecker> running = ConcurrentHashMap.newKeySet();
  private final Set<AgentChecker> agents = ConcurrentHashMap.newKeySet();

  /** @param bootstrap with the channel type of the balancer's transport; each checker clones it */
  public HealthChecks(EventLoopGroup loops, Bootstrap bootstrap) {
    this.loops = loops;
    this.bootstrap = bootstrap;
  }

  /**
   * Starts checking the server at {@code target}: its first check comes after {@code position /
   * count} of its interval.
   *
   * @param connectTimeout the backend's, which caps a check's as {@link CheckSettings} says
   */
  public HealthChecker start(
      InetSocketAddress target,
      CheckSettings settings,
      Duration connectTimeout,
      HealthChecker.Listener listener,
      int position,
      int count) {
    HealthChecker checker =
        new HealthChecker(loops.next(), bootstrap, target, settings, connectTimeout, listener);
    running.add(checker);
    checker.start(settings.inter().multipliedBy(position).dividedBy(Math.max(count, 1)));
    return checker;
  }

  /**
   * Starts asking the agent of the server at {@code server}; its first question comes after
   * {@code position / count} of its interval.
   */
  public AgentChecker startAgent(
      InetSocketAddress server,
      AgentCheck agent,
      Duration connectTimeout,
      @Nullable Duration checkTimeout,
      AgentChecker.Listener listener,
      int position,
      int count) {
    AgentChecker checker =
        new AgentChecker(
            loops.next(), bootstrap, server, agent, connectTimeout, checkTimeout, listener);
    agents.add(checker);
    checker.start(agent.inter().multipliedBy(position).dividedBy(Math.max(count, 1)));
    return checker;
  }

  /** Stops one agent checker, as when its server is removed. */
  public void stop(AgentChecker checker) {
    if (agents.remove(checker)) {
      checker.stop();
    }
  }

  /** Stops one checker, as when its server is removed. */
  public void stop(HealthChecker checker) {
    if (running.remove(checker)) {
      checker.stop();
    }
  }

  /** Stops every checker, as the balancer stops. */
  public void stopAll() {
    for (HealthChecker checker : running) {
      stop(checker);
    }
    for (AgentChecker agent : agents) {
      stop(agent);
    }
  }
}
