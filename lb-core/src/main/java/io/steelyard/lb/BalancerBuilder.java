package io.steelyard.lb;

import static java.util.Objects.requireNonNull;

import io.steelyard.lb.config.BackendConfig;
import io.steelyard.lb.config.BalancerConfig;
import io.steelyard.lb.config.FrontendConfig;
import io.steelyard.lb.config.PeersConfig;
import io.steelyard.lb.health.HealthListener;
import io.steelyard.lb.transport.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link Balancer}: frontends that accept connections, backends of servers that take
 * them, and the defaults they share.
 *
 * <pre>{@code
 * Balancer lb = Balancer.builder()
 *     .defaults(d -> d.connectTimeout(ofSeconds(5)).clientTimeout(ofSeconds(50)))
 *     .frontend("ft", f -> f.bind(":8080").defaultBackend("bk"))
 *     .backend("bk", b -> b.balance(Balance.leastConn())
 *         .server("s1", "10.0.0.1:80")
 *         .server("s2", "10.0.0.2:80"))
 *     .start();
 * }</pre>
 *
 * <p>Mistakes fail with a {@link ConfigException} naming the thing and the value: at once for a
 * value out of range or a setting given twice, at {@link #build()} for what needs the whole
 * picture (an unknown default backend, a backend with no server).
 */
public final class BalancerBuilder {
  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

  private final DefaultsBuilder defaults = new DefaultsBuilder();
  private final Map<String, FrontendBuilder> frontends = new LinkedHashMap<>();
  private final Map<String, BackendBuilder> backends = new LinkedHashMap<>();
  private final Map<String, PeersBuilder> peers = new LinkedHashMap<>();
  private @Nullable Transport transport;
  private @Nullable Integer maxConn;
  private @Nullable Duration drainTimeout;
  private @Nullable Integer ioThreads;
  private final List<HealthListener> listeners = new ArrayList<>();
  private final List<Attachment> attachments = new ArrayList<>();

  BalancerBuilder() {}

  /**
   * The sockets to run on; {@link Transport#auto()} (epoll, else io_uring, else NIO) when not set.
   */
  public BalancerBuilder transport(Transport transport) {
    Checks.unset(null, "transport", this.transport == null ? null : this.transport.name());
    this.transport = requireNonNull(transport, "transport");
    return this;
  }

  /** Sets what every frontend and backend takes unless it sets its own. */
  public BalancerBuilder defaults(Consumer<DefaultsBuilder> settings) {
    settings.accept(defaults);
    return this;
  }

  /** Adds a frontend; its name is unique among frontends. */
  public BalancerBuilder frontend(String name, Consumer<FrontendBuilder> settings) {
    Checks.name("frontend", name);
    if (frontends.containsKey(name)) {
      throw new ConfigException(name, "frontend '" + name + "' is defined twice");
    }
    FrontendBuilder frontend = new FrontendBuilder(name);
    settings.accept(frontend);
    frontends.put(name, frontend);
    return this;
  }

  /** Adds a backend; its name is unique among backends. */
  public BalancerBuilder backend(String name, Consumer<BackendBuilder> settings) {
    Checks.name("backend", name);
    if (backends.containsKey(name)) {
      throw new ConfigException(name, "backend '" + name + "' is defined twice");
    }
    BackendBuilder backend = new BackendBuilder(name);
    settings.accept(backend);
    backends.put(name, backend);
    return this;
  }

  /**
   * Adds a section of peers that stick tables naming it ({@link StickTableBuilder#peers}) are
   * replicated with; its name is unique among sections.
   */
  public BalancerBuilder peers(String name, Consumer<PeersBuilder> settings) {
    Checks.name("peers", name);
    if (peers.containsKey(name)) {
      throw new ConfigException("peers '" + name + "' is defined twice");
    }
    PeersBuilder section = new PeersBuilder(name);
    settings.accept(section);
    peers.put(name, section);
    return this;
  }

  /** The most concurrent connections over all frontends (HAProxy's global maxconn); 0: no limit. */
  public BalancerBuilder maxConn(int maxConn) {
    Checks.unset(null, "maxconn", this.maxConn);
    this.maxConn = Checks.range(null, "maxconn", maxConn, 0, Integer.MAX_VALUE);
    return this;
  }

  /** How long {@link Balancer#close()} lets open connections finish; 10 s when not set. */
  public BalancerBuilder drainTimeout(Duration timeout) {
    Checks.unset(null, "drain timeout", drainTimeout);
    drainTimeout = Checks.timeout(null, "drain timeout", timeout);
    return this;
  }

  /** The number of event loops; one per available processor when not set. */
  public BalancerBuilder ioThreads(int threads) {
    Checks.unset(null, "io threads", ioThreads);
    ioThreads = Checks.range(null, "io threads", threads, 1, 1024);
    return this;
  }

  /**
   * Adds a listener for server status changes and for the balancer's health, registered before
   * the first check runs.
   */
  public BalancerBuilder listener(HealthListener listener) {
    listeners.add(requireNonNull(listener, "listener"));
    return this;
  }

  /**
   * Adds something to start with the balancer and stop before it, such as a VRRP instance; may be
   * called several times. See {@link Attachment} for the order of starting and closing.
   */
  public BalancerBuilder attach(Attachment attachment) {
    attachments.add(requireNonNull(attachment, "attachment"));
    return this;
  }

  /** Validates the whole configuration and returns it, immutable. */
  public BalancerConfig build() {
    List<PeersConfig> builtPeers = new ArrayList<>();
    for (PeersBuilder section : peers.values()) {
      builtPeers.add(section.build());
    }
    if (frontends.isEmpty()) {
      throw new ConfigException("no frontend is defined");
    }
    List<BackendConfig> builtBackends = new ArrayList<>();
    for (BackendBuilder backend : backends.values()) {
      builtBackends.add(backend.build(defaults, peers.keySet()));
    }
    List<FrontendConfig> builtFrontends = new ArrayList<>();
    for (FrontendBuilder frontend : frontends.values()) {
      builtFrontends.add(frontend.build(defaults, backends.keySet()));
    }
    return new BalancerConfig(
        List.copyOf(builtFrontends),
        List.copyOf(builtBackends),
        maxConn == null ? 0 : maxConn,
        drainTimeout == null ? DRAIN_TIMEOUT : drainTimeout,
        ioThreads == null ? Runtime.getRuntime().availableProcessors() : ioThreads,
        List.copyOf(builtPeers));
  }

  /**
   * Builds, binds every frontend, starts forwarding, starts the sections of peers and waits (up
   * to about 5 s) until they learned their tables from a peer or found none to learn from, then
   * starts the attachments in order: a VRRP instance takes the virtual address with the stick
   * tables in place.
   *
   * @throws ConfigException when the configuration is invalid
   * @throws StartException when a frontend cannot bind or an attachment cannot start; nothing is
   *     left running then
   */
  public Balancer start() {
    return Balancer.start(
        build(),
        transport == null ? Transport.auto() : transport,
        List.copyOf(listeners),
        List.copyOf(attachments));
  }
}
