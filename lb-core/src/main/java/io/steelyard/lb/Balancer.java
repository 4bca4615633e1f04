package io.steelyard.lb;

import io.steelyard.lb.admin.Stats;
import io.steelyard.lb.forward.Backend;
import io.steelyard.lb.forward.Forwarder;
import io.steelyard.lb.forward.Frontend;
import io.steelyard.lb.forward.Server;
import io.steelyard.lb.forward.Transport;
import io.steelyard.lb.schedule.Member;
import io.steelyard.lb.schedule.Scheduler;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A running TCP load balancer: frontends accept connections and each goes to a server of its
 * backend, chosen by the backend's algorithm.
 *
 * <p>Made by {@link #builder()}, running from {@link BalancerBuilder#start()} until {@link #close()}.
 * All methods are thread-safe.
 */
public final class Balancer implements AutoCloseable {
  private final BalancerConfig config;
  private final Map<String, Frontend> frontends;
  private final Map<String, Backend> backends;
  private final Forwarder forwarder;
  private boolean closed;

  private Balancer(
      BalancerConfig config,
      Map<String, Frontend> frontends,
      Map<String, Backend> backends,
      Forwarder forwarder) {
    this.config = config;
    this.frontends = frontends;
    this.backends = backends;
    this.forwarder = forwarder;
  }

  /** A builder for a new balancer. */
  public static BalancerBuilder builder() {
    return new BalancerBuilder();
  }

  static Balancer start(BalancerConfig config, Transport transport) {
    Map<String, Backend> backends = new LinkedHashMap<>();
    for (BackendConfig backend : config.backends()) {
      backends.put(backend.name(), backend(backend));
    }
    Map<String, Frontend> frontends = new LinkedHashMap<>();
    for (FrontendConfig frontend : config.frontends()) {
      frontends.put(
          frontend.name(),
          new Frontend(
              frontend.name(),
              frontend.binds(),
              backends.get(frontend.defaultBackend()),
              frontend.maxConn(),
              frontend.clientTimeout()));
    }
    Forwarder forwarder;
    try {
      forwarder =
          Forwarder.start(
              transport, config.ioThreads(), config.maxConn(), List.copyOf(frontends.values()));
    } catch (IllegalStateException e) {
      throw new StartException(e.getMessage(), e.getCause());
    }
    return new Balancer(config, frontends, backends, forwarder);
  }

  private static Backend backend(BackendConfig config) {
    List<Member> members = new ArrayList<>();
    for (ServerConfig server : config.servers()) {
      members.add(
          new Member(members.size(), server.name(), server.weight(), server.maxConn(), server.backup()));
    }
    Scheduler scheduler = config.balance().newScheduler(members);
    List<Server> servers = new ArrayList<>();
    for (ServerConfig server : config.servers()) {
      servers.add(new Server(scheduler.members().get(servers.size()), server.address()));
    }
    return new Backend(
        config.name(),
        scheduler,
        servers,
        config.connectTimeout(),
        config.serverTimeout(),
        config.retries(),
        config.redispatch());
  }

  /** The configuration it runs. */
  public BalancerConfig config() {
    return config;
  }

  /**
   * The addresses the frontend listens on, with the ports the system chose where the
   * configuration said port 0.
   */
  public List<InetSocketAddress> boundAddresses(String frontend) {
    Frontend running = frontends.get(frontend);
    if (running == null) {
      throw new IllegalArgumentException("no frontend '" + frontend + "'");
    }
    return forwarder.boundAddresses(running);
  }

  /** A snapshot of every frontend, backend and server's counters and status. */
  public Stats stats() {
    return Stats.of(List.copyOf(frontends.values()), List.copyOf(backends.values()));
  }

  /**
   * Stops accepting, lets open connections finish for the drain timeout, closes the rest, and
   * returns once every thread, socket and buffer the balancer took is released. Calling it again
   * does nothing.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    forwarder.close(config.drainTimeout());
  }
}
