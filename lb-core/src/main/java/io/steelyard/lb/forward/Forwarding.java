package io.steelyard.lb.forward;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.steelyard.lb.config.BackendConfig;
import io.steelyard.lb.config.BalancerConfig;
import io.steelyard.lb.config.FrontendConfig;
import io.steelyard.lb.config.ServerConfig;
import io.steelyard.lb.config.TrafficLogging;
import io.steelyard.lb.health.AdminState;
import io.steelyard.lb.health.HealthChecks;
import io.steelyard.lb.health.HealthListener;
import io.steelyard.lb.log.LogSink;
import io.steelyard.lb.stats.ConnectionInfo;
import io.steelyard.lb.stats.Limits;
import io.steelyard.lb.stats.Stats;
import io.steelyard.lb.stick.StickServers;
import io.steelyard.lb.stick.StickTable;
import io.steelyard.lb.transport.Transport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The forwarding runtime of one balancer as the rest of lb-core sees it: started from a {@link
 * BalancerConfig}, addressed by frontend, backend and server names, and read through snapshots
 * ({@link Stats}, {@link ConnectionInfo}). The frontends, backends, servers and sessions behind it
 * stay inside this package. Thread-safe.
 */
public final class Forwarding {
  /** Replaced whole, in order, when a reconfiguration adds or removes one; changed under this. */
  private volatile Map<String, Frontend> frontends;
  private volatile Map<String, Backend> backends;
  private final Forwarder forwarder;
  private final Notifier notifier;
  private final HealthChecks checks;

  private Forwarding(
      Map<String, Frontend> frontends,
      Map<String, Backend> backends,
      Forwarder forwarder,
      Notifier notifier,
      HealthChecks checks) {
    this.frontends = frontends;
    this.backends = backends;
    this.forwarder = forwarder;
    this.notifier = notifier;
    this.checks = checks;
  }

  /**
   * Binds every frontend's addresses, starts the health checks and starts relaying.
   *
   * @param listeners hear of server changes and of the balancer's health from the start
   * @throws IllegalStateException naming the frontend and the address when a bind fails, or what
   *     the transport cannot do; nothing is left running then
   */
  public static Forwarding start(
      BalancerConfig config, Transport transport, List<HealthListener> listeners) {
    requireNonNull(transport, "transport");
    checkTransparency(config, transport);
    Forwarder forwarder = Forwarder.create(transport, config);
    Notifier notifier = new Notifier();
    listeners.forEach(notifier::addListener);
    HealthChecks checks = new HealthChecks(forwarder.loops(), forwarder.bootstrap());
    Map<String, Backend> backends = new LinkedHashMap<>();
    for (BackendConfig backend : config.backends()) {
      backends.put(
          backend.name(), new Backend(backend, notifier, checks, forwarder::shutdownSessions));
    }
    Map<String, Frontend> frontends = new LinkedHashMap<>();
    for (FrontendConfig frontend : config.frontends()) {
      frontends.put(frontend.name(), new Frontend(frontend, backends.get(frontend.defaultBackend())));
    }
    forwarder.listen(List.copyOf(frontends.values()));
    notifier.watch(List.copyOf(backends.values()));
    backends.values().forEach(Backend::startChecks);
    notifier.listening(true);
    return new Forwarding(frontends, backends, forwarder, notifier, checks);
  }

  /** Refuses transparent frontends and foreign sources on a transport that cannot do them. */
  private static void checkTransparency(BalancerConfig config, Transport transport) {
    List<String> needs = new ArrayList<>();
    for (FrontendConfig frontend : config.frontends()) {
      if (frontend.transparent()) {
        needs.add("frontend '" + frontend.name() + "' is transparent");
      }
    }
    for (BackendConfig backend : config.backends()) {
      if (backend.source() != null && backend.source().foreign()) {
        needs.add("backend '" + backend.name() + "' uses the client's address as source");
      }
    }
    if (needs.isEmpty()) {
      return;
    }
    if (!transport.transparent()) {
      throw new IllegalStateException(
          String.join(", ", needs) + ", which the " + transport.name()
              + " transport cannot do: use the TPROXY transport (lb-tproxy, Tproxy.transport())");
    }
    transport.checkUsable(true);
  }

  /**
   * The addresses {@code frontend} listens on, with the ports the system gave for port 0; each
   * once, however many event loops share it.
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
    return new Stats(
        frontends.values().stream().map(Frontend::stats).toList(),
        backends.values().stream().map(Backend::stats).toList());
  }

  /** The descriptor limit and the maxconn it runs with, configured or derived. */
  public Limits limits() {
    return forwarder.limits();
  }

  /** Whether it listens and every backend has a server that takes new clients. */
  public boolean healthy() {
    return notifier.healthy();
  }

  public void addListener(HealthListener listener) {
    notifier.addListener(listener);
  }

  public void removeListener(HealthListener listener) {
    notifier.removeListener(listener);
  }

  /** Whether its transport can listen transparently and connect from clients' addresses. */
  public boolean transparent() {
    return forwarder.transport().transparent();
  }

  /** Whether frontends added later may have a maxconn: the balancer started with one. */
  public boolean limitsFrontends() {
    return forwarder.limitsFrontends();
  }

  /** Adds a backend, its servers checked from now on. */
  public synchronized void addBackend(BackendConfig config) {
    Backend backend = new Backend(config, notifier, checks, forwarder::shutdownSessions);
    Map<String, Backend> next = new LinkedHashMap<>(backends);
    next.put(config.name(), backend);
    backends = next;
    notifier.watch(List.copyOf(next.values()));
    backend.startChecks();
  }

  /**
   * Removes a backend that no frontend sends connections to any more; the connections it has go
   * on, its checks stop.
   */
  public synchronized void removeBackend(String name) {
    Backend backend = backend(name);
    Map<String, Backend> next = new LinkedHashMap<>(backends);
    next.remove(name);
    backends = next;
    notifier.watch(List.copyOf(next.values()));
    backend.stopChecks();
  }

  /**
   * Adds a frontend and listens on its addresses.
   *
   * @throws IllegalStateException naming the address when a bind fails; nothing is added then
   */
  public synchronized void addFrontend(FrontendConfig config) {
    Frontend frontend = new Frontend(config, backend(config.defaultBackend()));
    forwarder.bind(frontend);
    Map<String, Frontend> next = new LinkedHashMap<>(frontends);
    next.put(config.name(), frontend);
    frontends = next;
  }

  /** Stops a frontend's listeners and removes it; the connections it accepted go on. */
  public synchronized void removeFrontend(String name) {
    Frontend frontend = frontend(name);
    forwarder.unbind(frontend);
    Map<String, Frontend> next = new LinkedHashMap<>(frontends);
    next.remove(name);
    frontends = next;
    retireLog(frontend.logging(), null);
  }

  /**
   * Listens on {@code address} for a frontend too, before its configuration names it.
   *
   * @throws IllegalStateException naming the address when the bind fails
   */
  public void bind(String frontend, InetSocketAddress address) {
    forwarder.bind(frontend(frontend), address);
  }

  /** Stops listening on {@code address} for a frontend; the connections it accepted go on. */
  public void unbind(String frontend, InetSocketAddress address) {
    forwarder.unbind(frontend(frontend), address);
  }

  /**
   * Gives a frontend new settings (its default backend, client timeout and keep-alive, log) for the
   * connections it accepts from now on; its addresses are changed by {@link #bind} and {@link
   * #unbind}. A connection log it no longer writes to is closed once its lines are written.
   */
  public synchronized void updateFrontend(FrontendConfig config) {
    Frontend frontend = frontend(config.name());
    TrafficLogging before = frontend.logging();
    frontend.update(config, backend(config.defaultBackend()));
    retireLog(before, config.logging());
  }

  /** Closes {@code before}'s sink, once its lines are written, unless some frontend still writes to it. */
  private void retireLog(TrafficLogging before, TrafficLogging after) {
    if (before != null && (after == null || before.sink() != after.sink())
        && frontends.values().stream().noneMatch(
            other -> other.logging() != null && other.logging().sink() == before.sink())) {
      forwarder.retire(before.sink());
    }
  }

  /** Sets a server ready, draining or in maintenance. */
  public void setState(String backend, String server, AdminState state) {
    Backend running = backend(backend);
    running.adminState(running.server(server), state);
  }

  /** Sets a server's weight; the caller has checked its range. */
  public void setWeight(String backend, String server, int weight) {
    Backend running = backend(backend);
    running.weight(running.server(server), weight);
  }

  /** A server's current weight. */
  public int weight(String backend, String server) {
    return backend(backend).server(server).member().weight();
  }

  /**
   * Adds a server in maintenance; returns false, and adds nothing, when the backend has a server of
   * that name.
   */
  public boolean addServer(String backend, ServerConfig server) {
    return backend(backend).add(server);
  }

  /** Removes a server that is in maintenance and has no connection left. */
  public void removeServer(String backend, String server) {
    Backend running = backend(backend);
    running.remove(running.server(server));
  }

  /**
   * Gives a server a new address (for its new connections), queue limit and checks, which start
   * again; see {@link Backend#resettle}.
   */
  public void resettleServer(String backend, ServerConfig server) {
    Backend running = backend(backend);
    running.resettle(running.server(server.name()), server);
  }

  /** Makes a server a backup, or an active server, for the next connections. */
  public void setBackup(String backend, String server, boolean backup) {
    Backend running = backend(backend);
    running.backup(running.server(server), backup);
  }

  /** Sets a server's maxconn, 0 for none; the caller has checked its range. */
  public void setMaxConn(String backend, String server, int maxConn) {
    Backend running = backend(backend);
    running.maxConn(running.server(server), maxConn);
  }

  /**
   * Puts a server in maintenance at once, then deletes it once its last connection ends, looking
   * every 100 ms: a server that a new configuration no longer has, whose clients finish
   * undisturbed. An operator who sets it out of maintenance meanwhile keeps it.
   */
  public void retireServer(String backend, String server) {
    Backend running = backend(backend);
    Server retired = running.server(server);
    running.adminState(retired, AdminState.MAINT);
    EventLoop loop = forwarder.loops().next();
    loop.execute(new Runnable() {
      @Override
      public void run() {
        if (retired.adminState() != AdminState.MAINT) {
          return;
        }
        try {
          running.remove(retired);
        } catch (IllegalStateException stillInUse) {
          loop.schedule(this, 100, TimeUnit.MILLISECONDS);
        }
      }
    });
  }

  /** Closes every connection of a server. */
  public void shutdownSessions(String backend, String server) {
    forwarder.shutdownSessions(backend(backend).server(server));
  }

  /** The connections open now, in no particular order. */
  public List<ConnectionInfo> connections() {
    return forwarder.connections();
  }

  /** The stick table of a backend, or an exception when it has none. */
  public StickTable stickTable(String backend) {
    Stickiness stickiness = backend(backend).stickiness();
    if (stickiness == null) {
      throw new IllegalArgumentException("backend '" + backend + "' has no stick table");
    }
    return stickiness.table();
  }

  /** The servers behind the ids of a backend's stick table, by name and HAProxy id. */
  public StickServers stickServers(String backend) {
    return new BackendStickServers(backend(backend));
  }

  /** Connection log lines dropped because the logging thread fell behind (HAProxy's DroppedLogs). */
  public long droppedLogs() {
    return forwarder.droppedLogs();
  }

  /** The event loops the balancer runs on. */
  public EventLoopGroup eventLoops() {
    return forwarder.loops();
  }

  /** A bootstrap of outbound connections on the balancer's transport, to clone. */
  public Bootstrap outboundBootstrap() {
    return forwarder.bootstrap();
  }

  /**
   * Stops accepting and checking, waits up to {@code drain} for open connections to end, closes
   * the rest, and returns when every thread, socket and buffer is released.
   */
  public void close(Duration drain) {
    notifier.listening(false);
    checks.stopAll();
    forwarder.close(drain);
    Set<LogSink> sinks = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Frontend frontend : frontends.values()) {
      if (frontend.logging() != null && sinks.add(frontend.logging().sink())) {
        frontend.logging().sink().close();
      }
    }
  }

  /** The bytes queued for writing over all connections: what flow control bounds. */
  long bufferedBytes() {
    return forwarder.bufferedBytes();
  }

  private Frontend frontend(String name) {
    Frontend frontend = frontends.get(name);
    if (frontend == null) {
      throw new IllegalArgumentException("no frontend '" + name + "'");
    }
    return frontend;
  }

  private Backend backend(String name) {
    Backend backend = backends.get(name);
    if (backend == null) {
      throw new IllegalArgumentException("no backend '" + name + "'");
    }
    return backend;
  }
}
