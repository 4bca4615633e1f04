package io.steelyard.lb.announce;

import static java.util.Objects.requireNonNull;

import io.steelyard.lb.Attachment;
import io.steelyard.lb.Balancer;
import io.steelyard.lb.health.HealthListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a route to the balancer's virtual address announced through BIRD 2 while the balancer is
 * healthy, and withdrawn while it is not, when it closes and when the JVM stops: {@code enable
 * <protocol>} and {@code disable <protocol>} on BIRD's control socket, the protocol being, say, a
 * static route to the VIP (which sits on {@code lo}) that the BGP sessions export. The BGP
 * counterpart of a VRRP instance's tracking of the balancer.
 *
 * <pre>{@code
 * Balancer.builder()...
 *     .attach(BirdAnnouncer.protocol(Path.of("/run/bird/bird.ctl"), "vip"))
 *     .start();
 * }</pre>
 *
 * <p>BIRD is told on a thread of the announcer's own, never on a forwarding thread; each health
 * change sends one command, and a BIRD that restarted is connected to again. Starting fails,
 * naming the socket and the protocol, when BIRD does not answer or does not know the protocol.
 */
public final class BirdAnnouncer implements Attachment {
  private static final Logger LOG = LoggerFactory.getLogger(BirdAnnouncer.class);

  private final Path socket;
  private final String protocol;
  private final InetAddress address;

  private BirdAnnouncer(Path socket, String protocol, InetAddress address) {
    this.socket = requireNonNull(socket, "socket");
    this.protocol = requireNonNull(protocol, "protocol");
    this.address = address;
    if (!protocol.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("BIRD protocol name '" + protocol + "' is not a BIRD symbol");
    }
  }

  /** An announcer that enables and disables BIRD's protocol {@code protocol} through {@code socket}. */
  public static BirdAnnouncer protocol(Path socket, String protocol) {
    return new BirdAnnouncer(socket, protocol, null);
  }

  /**
   * The same announcer, which also checks at start that {@code address}, the virtual address the
   * protocol announces, is on an interface of this host ({@code lo} for a fleet behind ECMP).
   */
  public BirdAnnouncer forAddress(InetAddress address) {
    return new BirdAnnouncer(socket, protocol, requireNonNull(address, "address"));
  }

  @Override
  public AutoCloseable attach(Balancer balancer) throws IOException {
    if (address != null && NetworkInterface.getByInetAddress(address) == null) {
      throw new IOException(address.getHostAddress() + " is on no interface of this host: the"
          + " balancers behind ECMP each hold the VIP (ip addr add " + address.getHostAddress()
          + "/32 dev lo)");
    }
    Announcements announcements = new Announcements();
    announcements.tell(balancer.healthy());
    balancer.addListener(announcements);
    Thread withdraw = new Thread(announcements::withdrawNow, "steelyard-bird-withdraw");
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
    return "BIRD protocol '" + protocol + "' on " + socket
        + (address == null ? "" : " for " + address.getHostAddress());
  }

  /** The commands to BIRD, one thread, in the order the health changed. */
  private final class Announcements implements HealthListener {
    private final ExecutorService thread = Executors.newSingleThreadExecutor(task -> {
      Thread t = new Thread(task, "steelyard-bird");
      t.setDaemon(true);
      return t;
    });
    private BirdControl control;

    /** Enables or disables the protocol now, on the caller's thread: at start, so that it fails. */
    synchronized void tell(boolean healthy) throws IOException {
      BirdControl.Reply reply = send((healthy ? "enable " : "disable ") + protocol);
      if (!reply.ok()) {
        throw new IOException("BIRD on " + socket + ": '" + (healthy ? "enable " : "disable ")
            + protocol + "': " + reply.text());
      }
      LOG.info("BIRD protocol '{}' {}: {}", protocol, healthy ? "enabled" : "disabled", reply.text());
    }

    @Override
    public void balancerHealthChanged(boolean healthy) {
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

    /** Withdraws after the commands queued before, then closes the connection. */
    void close() throws Exception {
      thread.execute(this::withdrawNow);
      thread.shutdown();
      thread.awaitTermination(5, TimeUnit.SECONDS);
      synchronized (this) {
        if (control != null) {
          control.close();
          control = null;
        }
      }
    }

    /** Sends {@code command}, connecting (again) when needed. */
    private BirdControl.Reply send(String command) throws IOException {
      for (int attempt = 0; ; attempt++) {
        try {
          if (control == null) {
            control = BirdControl.connect(socket);
          }
          return control.command(command);
        } catch (IOException e) {
          if (control != null) {
            control.close();
            control = null;
          }
          if (attempt > 0) {
            throw new IOException("BIRD on " + socket + ": '" + command + "': " + e.getMessage(), e);
          }
        }
      }
    }
  }
}
