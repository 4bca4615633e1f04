package io.steelyard.lb.announce;

import static java.util.Objects.requireNonNull;

import io.steelyard.lb.Attachment;
import io.steelyard.lb.Balancer;
import io.steelyard.lb.health.HealthListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a route to the balancer's virtual address announced by an existing routing daemon while
 * the balancer is healthy, and withdrawn while it is not, when it closes and when the JVM stops:
 * the BGP counterpart of a VRRP instance's tracking of the balancer, for several active balancers
 * behind a router's ECMP. The virtual address sits on {@code lo} of every balancer.
 *
 * <pre>{@code
 * Balancer.builder()...
 *     .attach(RouteAnnouncer.bird(Path.of("/run/bird/bird.ctl"), "vip4").forAddress(vip))
 *     .start();
 * }</pre>
 *
 * <p>Two daemons: BIRD 2, whose protocol (a static route to the VIP that its BGP sessions export)
 * is enabled and disabled through its control socket; and ExaBGP 4, which is told to announce
 * and withdraw the route through its command pipes. The daemon is told on a thread of the
 * announcer's own, never on a forwarding thread, one command per health change, in order, and
 * the last one again every 10 s ({@link #repeatEvery}), so that a daemon that restarted learns it. Starting fails,
 * naming the daemon, when it does not answer or refuses.
 */
public final class RouteAnnouncer implements Attachment {
  private static final Logger LOG = LoggerFactory.getLogger(RouteAnnouncer.class);

  private final Supplier<RouteDaemon> daemon;
  private final String description;
  private final @Nullable InetAddress address;
  private final Duration repeat;

  private RouteAnnouncer(Supplier<RouteDaemon> daemon, String description, @Nullable InetAddress address,
      Duration repeat) {
    this.daemon = daemon;
    this.description = description;
    this.address = address;
    this.repeat = repeat;
  }

  /**
   * An announcer that enables and disables BIRD's protocol {@code protocol} through BIRD's control
   * socket {@code socket}.
   *
   * @throws IllegalArgumentException when {@code protocol} is not a BIRD symbol
   */
  public static RouteAnnouncer bird(Path socket, String protocol) {
    BirdProtocol probe = new BirdProtocol(socket, protocol);
    return new RouteAnnouncer(() -> new BirdProtocol(socket, protocol), probe.toString(), null,
        Duration.ofSeconds(10));
  }

  /**
   * An announcer that has ExaBGP announce and withdraw a route to {@code address} ({@code /32} or
   * {@code /128}, {@code next-hop self}) through its command pipes {@code exabgp.in} and {@code
   * exabgp.out} in {@code pipes} (ExaBGP's own place for them is {@code /run/exabgp}); it checks
   * at start that {@code address} is on an interface of this host, as {@link #forAddress} does.
   */
  public static RouteAnnouncer exabgp(Path pipes, InetAddress address) {
    requireNonNull(address, "address");
    ExaBgpRoute probe = new ExaBgpRoute(pipes, address);
    return new RouteAnnouncer(() -> new ExaBgpRoute(pipes, address), probe.toString(), address,
        Duration.ofSeconds(10));
  }

  /**
   * The same announcer, which also checks at start that {@code address}, the virtual address the
   * route leads to, is on an interface of this host ({@code lo} for a fleet behind ECMP).
   */
  public RouteAnnouncer forAddress(InetAddress address) {
    return new RouteAnnouncer(daemon, description, requireNonNull(address, "address"), repeat);
  }

  /**
   * The same announcer, which tells the daemon again what it told it last every {@code interval}
   * (10 s unless set): how long a daemon that restarted may go without the route.
   *
   * @throws IllegalArgumentException when {@code interval} is not positive
   */
  public RouteAnnouncer repeatEvery(Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("repeat interval must be positive: " + interval);
    }
    return new RouteAnnouncer(daemon, description, address, interval);
  }

  @Override
  public AutoCloseable attach(Balancer balancer) throws IOException {
    if (address != null && NetworkInterface.getByInetAddress(address) == null) {
      throw new IOException(address.getHostAddress() + " is on no interface of this host: the"
          + " balancers behind ECMP each hold the VIP (ip addr add " + address.getHostAddress()
          + (address.getAddress().length == 4 ? "/32" : "/128") + " dev lo)");
    }
    Announcements announcements = new Announcements(daemon.get());
    try {
      announcements.tell(balancer.healthy());
    } catch (IOException e) {
      announcements.daemon.close();
      throw e;
    }
    balancer.addListener(announcements);
    announcements.startRepeating();
    Thread withdraw = new Thread(announcements::withdrawNow, "steelyard-route-withdraw");
    Runtime.getRuntime().addShutdownHook(withdraw);
    return () -> {
      balancer.removeListener(announcements);
      announcements.close();
      try {
        Runtime.getRuntime().removeShutdownHook(withdraw);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs or has run
      }
    };
  }

  @Override
  public String toString() {
    return description + (address == null ? "" : " for " + address.getHostAddress());
  }

  /**
   * The commands to the daemon, on one thread, in the order the health changed; periodically the
   * last one again, so that a daemon that restarted (BIRD's protocol is back to its configured
   * state, ExaBGP has forgotten its routes) learns it.
   */
  private final class Announcements implements HealthListener {
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread t = new Thread(task, "steelyard-route");
      t.setDaemon(true);
      return t;
    });
    private final RouteDaemon daemon;
    private boolean announced;

    Announcements(RouteDaemon daemon) {
      this.daemon = daemon;
    }

    /** Announces or withdraws now, on the caller's thread: at start, so that it fails. */
    synchronized void tell(boolean healthy) throws IOException {
      String answer = daemon.announce(healthy);
      announced = healthy;
      LOG.info("{}: {} ({})", description, healthy ? "announced" : "withdrawn", answer);
    }

    /** Starts telling the daemon again, every {@code repeat}, what it was told last. */
    void startRepeating() {
      thread.scheduleWithFixedDelay(() -> {
        synchronized (this) {
          try {
            daemon.announce(announced);
          } catch (IOException e) {
            LOG.error("{}", e.getMessage());
          }
        }
      }, repeat.toMillis(), repeat.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void balancerHealthChanged(boolean healthy) {
      LOG.info("balancer {}: {} {}", healthy ? "healthy" : "not healthy",
          healthy ? "announcing" : "withdrawing", description);
      thread.execute(() -> {
        try {
          tell(healthy);
        } catch (IOException e) {
          LOG.error("{}", e.getMessage());
        }
      });
    }

    /** Withdraws at once, on the caller's thread: the JVM is stopping. */
    void withdrawNow() {
      try {
        tell(false);
      } catch (IOException e) {
        LOG.error("{}", e.getMessage());
      }
    }

    /** Withdraws after the commands queued before, then drops the connection to the daemon. */
    void close() throws InterruptedException {
      thread.execute(this::withdrawNow);
      thread.shutdown();
      thread.awaitTermination(10, TimeUnit.SECONDS);
      synchronized (this) {
        daemon.close();
      }
    }
  }
}
