package io.steelyard.lb.forward;

import static java.util.Objects.requireNonNull;

import io.steelyard.lb.schedule.Member;
import io.steelyard.lb.schedule.Scheduler;
import java.time.Duration;
import java.util.List;

/**
 * A running backend: the scheduler over its servers and the rules for reaching them.
 *
 * <p>A failed connection attempt is retried up to {@code retries} times, on the same server after a
 * turn-around pause of {@code min(connect timeout, 1 s)} when it was refused (as HAProxy does, so
 * that a restarting server is not hammered); with {@code redispatch}, the last retry, or any retry
 * once the server is no longer usable, goes to another server at once.
 */
public final class Backend {
  private final String name;
  private final Scheduler scheduler;
  private final List<Server> servers;
  private final int connectTimeoutMillis;
  private final long serverTimeoutMillis;
  private final int retries;
  private final boolean redispatch;
  private final Counters counters = new Counters();

  /**
   * @param servers in the order of {@code scheduler.members()}: server {@code i} has member id
   *     {@code i}
   */
  public Backend(
      String name,
      Scheduler scheduler,
      List<Server> servers,
      Duration connectTimeout,
      Duration serverTimeout,
      int retries,
      boolean redispatch) {
    this.name = requireNonNull(name, "name");
    this.scheduler = requireNonNull(scheduler, "scheduler");
    this.servers = List.copyOf(servers);
    for (int i = 0; i < this.servers.size(); i++) {
      if (this.servers.get(i).member() != scheduler.members().get(i)) {
        throw new IllegalArgumentException(
            "backend '" + name + "': server " + i + " is not the scheduler's member " + i);
      }
    }
    this.connectTimeoutMillis = Math.toIntExact(connectTimeout.toMillis());
    this.serverTimeoutMillis = serverTimeout.toMillis();
    this.retries = retries;
    this.redispatch = redispatch;
  }

  public String name() {
    return name;
  }

  public Scheduler scheduler() {
    return scheduler;
  }

  /** The servers in declaration order. */
  public List<Server> servers() {
    return servers;
  }

  public Counters counters() {
    return counters;
  }

  Server server(Member member) {
    return servers.get(member.id());
  }

  int connectTimeoutMillis() {
    return connectTimeoutMillis;
  }

  long serverTimeoutMillis() {
    return serverTimeoutMillis;
  }

  int retries() {
    return retries;
  }

  boolean redispatch() {
    return redispatch;
  }

  /** The pause before retrying a refused connection on the same server. */
  long turnAroundMillis() {
    return Math.min(connectTimeoutMillis, 1000);
  }
}
