package io.steelyard.lb.forward;

import static java.util.Objects.requireNonNull;

import io.steelyard.lb.health.AdminState;
import io.steelyard.lb.health.CheckSettings;
import io.steelyard.lb.health.CheckStats;
import io.steelyard.lb.health.HealthChecker;
import io.steelyard.lb.health.ServerStatus;
import io.steelyard.lb.schedule.Member;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * A running server: where its connections go, its scheduling state, its health and admin state,
 * its queue and its counters.
 *
 * <p>Its {@link #status()} combines the operator's {@link AdminState} with the checks: MAINT
 * whatever the checks say, else DOWN while checks fail, else DRAIN if the operator drains it,
 * else UP. Only an UP server takes new clients; a DRAIN one still takes clients stuck to it.
 */
public final class Server {
  private final Member member;
  private final InetSocketAddress address;
  private final CheckSettings check;
  private final int maxQueue;
  private final int initialWeight;
  private final Counters counters = new Counters();
  /** Sessions of clients stuck to this server, waiting for a slot; guarded by the backend. */
  final ArrayDeque<Waiter> queue = new ArrayDeque<>();

  private volatile AdminState admin = AdminState.READY;
  private volatile HealthChecker checker;
  private volatile long lastChangeMillis = System.currentTimeMillis();

  /**
   * @param check how it is checked, or {@code null} for no checks (always considered up)
   * @param maxQueue the most clients waiting for this server, 0 for no limit
   */
  public Server(Member member, InetSocketAddress address, CheckSettings check, int maxQueue) {
    this.member = requireNonNull(member, "member");
    this.address = requireNonNull(address, "address");
    this.check = check;
    this.maxQueue = maxQueue;
    this.initialWeight = member.weight();
  }

  public Member member() {
    return member;
  }

  public String name() {
    return member.name();
  }

  public InetSocketAddress address() {
    return address;
  }

  public Counters counters() {
    return counters;
  }

  /** How it is checked, or {@code null}. */
  public CheckSettings check() {
    return check;
  }

  /** The weight it was configured with, HAProxy's {@code iweight}. */
  public int initialWeight() {
    return initialWeight;
  }

  /** The most clients waiting for this server, 0 for no limit. */
  public int maxQueue() {
    return maxQueue;
  }

  /** When its {@link #status()} last changed (epoch milliseconds), or when it was created. */
  public long lastChangeMillis() {
    return lastChangeMillis;
  }

  /** Its checks' figures now, or {@code null} when it is not checked. */
  public CheckStats checkStats() {
    HealthChecker current = checker;
    return current == null ? null : current.stats();
  }

  public AdminState adminState() {
    return admin;
  }

  /** What it does with new connections now. */
  public ServerStatus status() {
    if (admin == AdminState.MAINT) {
      return ServerStatus.MAINT;
    }
    if (!checkedUp()) {
      return ServerStatus.DOWN;
    }
    return admin == AdminState.DRAIN ? ServerStatus.DRAIN : ServerStatus.UP;
  }

  /** Whether the checks, if any, say it is up. */
  public boolean checkedUp() {
    HealthChecker current = checker;
    return current == null || current.up();
  }

  boolean takesNewClients() {
    return status() == ServerStatus.UP;
  }

  boolean takesStuckClients() {
    ServerStatus status = status();
    return status == ServerStatus.UP || status == ServerStatus.DRAIN;
  }

  void statusChanged() {
    lastChangeMillis = System.currentTimeMillis();
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
