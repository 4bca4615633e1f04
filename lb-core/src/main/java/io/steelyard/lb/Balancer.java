package io.steelyard.lb;

import static java.util.Objects.requireNonNull;

import io.steelyard.lb.config.BackendConfig;
import io.steelyard.lb.config.BalancerConfig;
import io.steelyard.lb.config.PeersConfig;
import io.steelyard.lb.forward.Forwarding;
import io.steelyard.lb.health.HealthListener;
import io.steelyard.lb.peers.PeerSection;
import io.steelyard.lb.peers.ReplicatedTable;
import io.steelyard.lb.stats.Limits;
import io.steelyard.lb.stats.Stats;
import io.steelyard.lb.transport.Transport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
  /** The longest a starting balancer waits for its peers' tables: HAProxy's resync timeout. */
  private static final Duration PEERS_START = Duration.ofSeconds(5);

  private volatile BalancerConfig config;
  private volatile Reconfigurations reconfigurations = new Reconfigurations(0, 0, null, false);
  private final Forwarding forwarding;
  private final Admin admin;
  private final List<PeerSection> peers;
  private final List<AutoCloseable> attached = new ArrayList<>();
  private boolean closed;

  private Balancer(BalancerConfig config, Forwarding forwarding, List<PeerSection> peers) {
    this.config = config;
    this.forwarding = forwarding;
    this.peers = peers;
    this.admin = new Admin(forwarding, this::config);
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
    Forwarding forwarding;
    try {
      forwarding = Forwarding.start(config, transport, listeners);
    } catch (IllegalStateException e) {
      throw new StartException(String.valueOf(e.getMessage()), e.getCause());
    }
    List<PeerSection> peers = new ArrayList<>();
    try {
      for (PeersConfig section : config.peers()) {
        peers.add(startPeers(section, config, forwarding, transport));
      }
    } catch (IllegalStateException e) {
      peers.forEach(PeerSection::close);
      forwarding.close(Duration.ZERO);
      throw new StartException(String.valueOf(e.getMessage()), e.getCause());
    }
    Balancer balancer = new Balancer(config, forwarding, List.copyOf(peers));
    for (PeerSection section : peers) {
      try {
        if (!section.awaitStart(PEERS_START.plusSeconds(1))) {
          LOG.warn("peers '{}': the tables were not learned within {} s; attachments start anyway",
              section.name(), PEERS_START.plusSeconds(1).toSeconds());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        balancer.close();
        throw new StartException("interrupted while peers '" + section.name() + "' learned its tables", e);
      }
    }
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

  private static PeerSection startPeers(
      PeersConfig section, BalancerConfig config, Forwarding forwarding, Transport transport) {
    List<ReplicatedTable> tables = new ArrayList<>();
    for (BackendConfig backend : config.backends()) {
      if (backend.stick() != null && section.name().equals(backend.stick().peers())) {
        tables.add(new ReplicatedTable(backend.name(),
            forwarding.stickTable(backend.name()), forwarding.stickServers(backend.name())));
      }
    }
    return PeerSection.start(section, tables, forwarding.eventLoops().next(),
        forwarding.outboundBootstrap(), transport.serverChannelType());
  }

  /**
   * Applies {@code next} to the running balancer as a difference, without cutting a connection:
   * in each backend, servers added (ready at once, checked if they are), servers removed (in
   * maintenance at once, deleted when their last connection ends) and servers whose weight or
   * maxconn changed. Stick tables keep their entries. Other differences (frontends, backends,
   * timeouts, a server's address or checks, peers) cannot be applied to a running balancer yet:
   * then nothing changes. Thread-safe; one reconfiguration at a time.
   *
   * @return what changed, empty when {@code next} is the running configuration
   * @throws ConfigException naming each difference that cannot be applied; nothing changed then
   */
  public synchronized Reconfiguration reconfigure(BalancerConfig next) {
    requireNonNull(next, "next");
    Reconfiguration done;
    try {
      done = ConfigChanges.between(config, next, forwarding).apply();
    } catch (ConfigException e) {
      reconfigurationFailed(String.valueOf(e.getMessage()));
      throw e;
    }
    config = next;
    reconfigurations = new Reconfigurations(
        reconfigurations.applied() + 1, reconfigurations.failed(), reconfigurations.lastFailure(), false);
    done.changes().forEach(change -> LOG.info("reconfigured: {}", change));
    return done;
  }

  /**
   * Counts a reconfiguration that failed before {@link #reconfigure} could be called, such as a
   * file with mistakes, so that {@link #reconfigurations()} (and {@code show info}) report it.
   */
  public synchronized void reconfigurationFailed(String reason) {
    reconfigurations = new Reconfigurations(
        reconfigurations.applied(), reconfigurations.failed() + 1, requireNonNull(reason, "reason"), true);
  }

  /** How its reconfigurations went since it started. */
  public Reconfigurations reconfigurations() {
    return reconfigurations;
  }

  /**
   * The configuration it runs: the one it started with, or the last one {@link #reconfigure}
   * applied; {@link #admin()} changes are not reflected here.
   */
  public BalancerConfig config() {
    return config;
  }

  /**
   * The addresses the frontend listens on, with the ports the system chose where the
   * configuration said port 0.
   */
  public List<InetSocketAddress> boundAddresses(String frontend) {
    return forwarding.boundAddresses(frontend);
  }

  /** A snapshot of every frontend, backend and server's counters and status. */
  public Stats stats() {
    return forwarding.stats();
  }

  /**
   * The descriptor limit and the global maxconn it runs with: the configured one, or, without one,
   * what the limit allows (HAProxy's {@code Ulimit-n}, {@code Maxsock}, {@code Maxconn}).
   */
  public Limits limits() {
    return forwarding.limits();
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
    return forwarding.healthy();
  }

  /**
   * Connection log lines dropped because the logging thread fell behind a slow sink: HAProxy's
   * {@code DroppedLogs}.
   */
  public long droppedLogs() {
    return forwarding.droppedLogs();
  }

  /** The running sections of peers its stick tables are replicated with, in declaration order. */
  public List<PeerSection> peers() {
    return peers;
  }

  /** Hears of server status changes and of changes of {@link #healthy()}. */
  public void addListener(HealthListener listener) {
    forwarding.addListener(listener);
  }

  public void removeListener(HealthListener listener) {
    forwarding.removeListener(listener);
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
    peers.forEach(PeerSection::close);
    forwarding.close(config.drainTimeout());
  }
}
