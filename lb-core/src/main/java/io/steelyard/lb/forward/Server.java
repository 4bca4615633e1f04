package io.steelyard.lb.forward;

import static java.util.Objects.requireNonNull;

import io.steelyard.lb.config.ServerConfig;
import io.steelyard.lb.health.AdminState;
import io.steelyard.lb.health.AgentCheck;
import io.steelyard.lb.health.AgentChecker;
import io.steelyard.lb.health.CheckSettings;
import io.steelyard.lb.health.CheckStats;
import io.steelyard.lb.health.HealthChecker;
import io.steelyard.lb.health.ServerStatus;
import io.steelyard.lb.schedule.Member;
import io.steelyard.lb.stats.ServerStats;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * A running server: where its connections go, its scheduling state, its health and admin state,
 * its queue and its counters.
 *
 * <p>Its {@link #status()} combines the operator's {@link AdminState} with the checks: MAINT
 * whatever the checks say, else DOWN while checks fail or its agent says so, else DRAIN if the
 * operator (or the agent) drains it, else UP. Only an UP server takes new clients; a DRAIN one still takes clients stuck to it.
 */
final class Server {
  private final Member member;
  /** HAProxy's id of the server: configured, or the smallest free when it was created. */
  private final int sid;
  /** Where new connections go, its queue limit and checks: a reconfiguration may change them. */
  private volatile InetSocketAddress address;
  private volatile CheckSettings check;
  private volatile AgentCheck agentCheck;
  private volatile int maxQueue;
  /** The weight it was configured with, HAProxy's {@code iweight}. */
  private final int initialWeight;
  private final Counters counters = new Counters();
  /** Sessions of clients stuck to this server, waiting for a slot; guarded by the backend. */
  final ArrayDeque<Waiter> queue = new ArrayDeque<>();

  private volatile AdminState admin = AdminState.READY;
  private volatile HealthChecker checker;
  private volatile AgentChecker agent;
  private final StateClock clock = new StateClock(false);

  /**
   * The server {@code config} describes, with member id {@code id} in its backend's scheduler, in
   * rotation ({@code usable}) or out of it.
   */
  Server(int id, int sid, ServerConfig config, boolean usable) {
    this.sid = sid;
    this.member =
        new Member(id, config.name(), config.weight(), config.maxConn(), config.backup(), usable);
    settle(config);
    this.initialWeight = config.weight();
  }

  /**
   * Takes {@code config}'s address, queue limit and check settings; the backend restarts the
   * checks. The weight, maxconn and backup role are set elsewhere.
   */
  void settle(ServerConfig config) {
    this.address = requireNonNull(config.address(), "address");
    this.check = config.check();
    this.agentCheck = config.agent();
    this.maxQueue = config.maxQueue();
  }

  /** A snapshot of its counters, status and checks. */
  ServerStats stats() {
    return new ServerStats(
        name(),
        status(),
        member.weight(),
        member.backup(),
        counters.traffic(),
        member.id(),
        address,
        initialWeight,
        member.maxConn(),
        maxQueue,
        clock.lastChange(),
        clock.downtime(),
        checkStats(),
        agent == null ? null : agent.stats(),
        sid);
  }

  /** HAProxy's id of the server ({@code sid}, {@code server_id}). */
  int sid() {
    return sid;
  }

  Member member() {
    return member;
  }

  String name() {
    return member.name();
  }

  InetSocketAddress address() {
    return address;
  }

  Counters counters() {
    return counters;
  }

  /** How it is checked, or {@code null}. */
  CheckSettings check() {
    return check;
  }

  /** The weight it was configured with, HAProxy's {@code iweight}. */
  int initialWeight() {
    return initialWeight;
  }

  /** The most clients waiting for this server, 0 for no limit. */
  int maxQueue() {
    return maxQueue;
  }

  /** Its checks' figures now, or {@code null} when it is not checked. */
  private CheckStats checkStats() {
    HealthChecker current = checker;
    return current == null ? null : current.stats();
  }

  AdminState adminState() {
    return admin;
  }

  /** What it does with new connections now. */
  ServerStatus status() {
    if (admin == AdminState.MAINT) {
      return ServerStatus.MAINT;
    }
    if (!checkedUp() || agentDown()) {
      return ServerStatus.DOWN;
    }
    return admin == AdminState.DRAIN ? ServerStatus.DRAIN : ServerStatus.UP;
  }

  /** Whether the checks, if any, say it is up. */
  boolean checkedUp() {
    HealthChecker current = checker;
    return current == null || current.up();
  }

  /** Whether its agent, if any, last said it is down. */
  boolean agentDown() {
    AgentChecker current = agent;
    return current != null && current.down();
  }

  /** The configured agent check, or {@code null}. */
  AgentCheck agentCheck() {
    return agentCheck;
  }

  AgentChecker agent() {
    return agent;
  }

  void agent(AgentChecker agent) {
    this.agent = agent;
  }

  boolean takesNewClients() {
    return status().takesNewClients();
  }

  boolean takesStuckClients() {
    return status().takesStuckClients();
  }

  void statusChanged() {
    ServerStatus now = status();
    clock.changed(now == ServerStatus.DOWN || now == ServerStatus.MAINT);
  }

  void adminState(AdminState state) {
    admin = requireNonNull(state, "state");
  }

  HealthChecker checker() {
    return checker;
  }

  void checker(HealthChecker checker) {
    this.checker = checker;
  }
}
