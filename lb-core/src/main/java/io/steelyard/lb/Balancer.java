package io.steelyard.lb;

import static java.util.Objects.requireNonNull;

import io.steelyard.lb.stats.Limits;
import io.steelyard.lb.stats.Stats;
import io.steelyard.lb.forward.Backend;
import io.steelyard.lb.forward.BackendSettings;
import io.steelyard.lb.forward.Forwarder;
import io.steelyard.lb.forward.Frontend;
import io.steelyard.lb.forward.Notifier;
import io.steelyard.lb.forward.Server;
import io.steelyard.lb.forward.Stickiness;
import io.steelyard.lb.health.HealthListener;
import io.steelyard.lb.schedule.Member;
import io.steelyard.lb.schedule.Scheduler;
import io.steelyard.lb.stick.StickTable;
import io.steelyard.lb.transport.Transport;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running TCP load balancer: frontends accept connections and each goes to a server of its
 * backend, chosen by the backend's algorithm, its stick table and its servers' health.
 *
 * <p>Made by {@link #builder()}, running from {@link BalancerBuilder#start()} until {@link #close()}.
 * All methods are thread-safe.
 */
public final class Balancer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Balancer.class);

  private final BalancerConfig config;
  private final Map<String, Frontend> frontends;
  private final Map<String, Backend> backends;
  private final Forwarder forwarder;
  private final Notifier notifier;
  private final Admin admin;
  private final List<AutoCloseable> attached = new ArrayList<>();
  private boolean closed;

  private Balancer(
      BalancerConfig config,
      Map<String, Frontend> frontends,
      Map<String, Backend> backends,
      Forwarder forwarder,
      Notifier notifier) {
    this.config = config;
    this.frontends = frontends;
    this.backends = backends;
    this.forwarder = forwarder;
    this.notifier = notifier;
    Map<String, BackendConfig> configs = new LinkedHashMap<>();
    config.backends().forEach(b -> configs.put(b.name(), b));
    this.admin = new Admin(backends, configs, forwarder);
  }

  /** A builder for a new balancer. */
  public static BalancerBuilder builder() {
    return new BalancerBuilder();
  }

  static Balancer start(
      BalancerConfig config,
      Transport transport,
      List<HealthListener> listeners,
      List<Attachment> attachments) {
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
              frontend.clientTimeout(),
              frontend.transparent()));
    }
    Notifier notifier = new Notifier();
    listeners.forEach(notifier::addListener);
    Forwarder forwarder;
    try {
      forwarder =
          Forwarder.start(
              transport,
              config.ioThreads(),
              config.maxConn(),
              List.copyOf(frontends.values()),
              List.copyOf(backends.values()),
              notifier);
    } catch (IllegalStateException e) {
      throw new StartException(e.getMessage(), e.getCause());
    }
    Balancer balancer = new Balancer(config, frontends, backends, forwarder, notifier);
    for (Attachment attachment : attachments) {
      AutoCloseable started;
      try {
        started = requireNonNull(attachment.attach(balancer), "attach returned null");
      } catch (Exception e) {
        balancer.close();
        throw new StartException("attachment " + attachment + " failed to start: " + e, e);
      }
      synchronized (balancer) {
        balancer.attached.add(started);
      }
    }
    return balancer;
  }

  private static Backend backend(BackendConfig config) {
    List<Member> members = new ArrayList<>();
    List<Server> servers = new ArrayList<>();
    for (ServerConfig server : config.servers()) {
      Server running = server(servers.size(), server, true);
      servers.add(running);
      members.add(running.member());
    }
    Scheduler scheduler = config.balance().newScheduler(members);
    StickConfig stick = config.stick();
    return new Backend(
        config.name(),
        scheduler,
        servers,
        new BackendSettings(
            config.connectTimeout(),
            config.serverTimeout(),
            config.queueTimeout(),
            config.retries(),
            config.redispatch(),
            config.source()),
        stick == null
            ? null
            : new Stickiness(
                StickTable.builder().size(stick.size()).expire(stick.expire()).build(),
                stick.match(),
                stick.store()));
  }

  /** A running server with member id {@code id}, as configured, in or out of rotation. */
  static Server server(int id, ServerConfig config, boolean usable) {
    Member member =
        new Member(id, config.name(), config.weight(), config.maxConn(), config.backup(), usable);
    return new Server(member, config.address(), config.check(), config.maxQueue());
  }

  /** The configuration it started with; {@link #admin()} changes are not reflected here. */
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
   * The descriptor limit and the global maxconn it runs with: the configured one, or, without one,
   * what the limit allows (HAProxy's {@code Ulimit-n}, {@code Maxsock}, {@code Maxconn}).
   */
  public Limits limits() {
    return forwarder.limits();
  }

  /** Runtime changes: server states, weights, servers, sessions, stick tables. */
  public Admin admin() {
    return admin;
  }

  /**
   * Whether it listens and every backend has a server that takes new clients: the signal a VRRP
   * instance tracks.
   */
  public boolean healthy() {
    return notifier.healthy();
  }

  /** Hears of server status changes and of changes of {@link #healthy()}. */
  public void addListener(HealthListener listener) {
    notifier.addListener(listener);
  }

  public void removeListener(HealthListener listener) {
    notifier.removeListener(listener);
  }

  /**
   * Closes the attachments, last started first (a failing one is logged and the others still
   * close), then stops accepting, lets open connections finish for the drain timeout, closes the
   * rest, and returns once every thread, socket and buffer the balancer took is released. Calling it
   * again does nothing.
   */
  @Override
  public void close() {
    List<AutoCloseable> toClose;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = List.copyOf(attached);
    }
    for (int i = toClose.size() - 1; i >= 0; i--) {
      try {
        toClose.get(i).close();
      } catch (Exception e) {
        LOG.error("closing attachment {} failed", toClose.get(i), e);
      }
    }
    forwarder.close(config.drainTimeout());
  }
}
