package io.steelyard.vrrp.linux;

import static java.util.Objects.requireNonNull;

import io.steelyard.vrrp.packet.Advertisement;
import io.steelyard.vrrp.packet.ReceiveFilter;
import io.steelyard.vrrp.packet.Verdict;
import io.steelyard.vrrp.state.Action;
import io.steelyard.vrrp.state.InstanceConfig;
import io.steelyard.vrrp.state.State;
import io.steelyard.vrrp.state.StateListener;
import io.steelyard.vrrp.state.Transition;
import io.steelyard.vrrp.state.VirtualAddress;
import io.steelyard.vrrp.state.VrrpMachine;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running VRRP instance on Linux: a {@link VrrpMachine} driven by one daemon thread over a
 * {@link RawVrrpSocket}.
 *
 * <p>The thread starts the machine, then loops: it waits on the socket until the machine's {@link
 * VrrpMachine#nextDeadline() next deadline}, passes each received datagram through the {@link
 * ReceiveFilter} and the accepted ones to {@link VrrpMachine#advertReceived}, calls {@link
 * VrrpMachine#tick} when the deadline comes, and performs the actions in order:
 *
 * <ul>
 *   <li>{@code SendAdvert}: the advertisement with that priority, from the configured {@link
 *       InstanceConfig#unicastSource source} or else the interface's primary address, to
 *       224.0.0.18 or, with {@link InstanceConfig#unicastPeers unicast peers}, to each of them in
 *       turn (keepalived's order; a VRRPv3 checksum covers each peer's address);
 *   <li>{@code AddAddresses}, {@code RemoveAddresses}: each virtual address added to or deleted
 *       from the interface through rtnetlink ({@link Rtnetlink}; the thread also deletes them
 *       once at start, in case a previous run left them);
 *   <li>{@code SendGratuitousArps}: that many ARP requests per virtual address, back to back, from
 *       the interface's MAC address ({@link GratuitousArp});
 *   <li>{@link Transition}: told to the listeners, on this thread, after the actions before it.
 * </ul>
 *
 * <p>The thread also hears of link changes ({@link LinkMonitor}): the interface going down or
 * losing its link puts the instance in Fault ({@link VrrpMachine#interfaceChanged}), as in
 * keepalived.
 *
 * <p>Results of tracked checks come from any thread through {@link #trackResult}: they are queued,
 * the thread is woken, and it hands them to {@link VrrpMachine#trackResult} in the order given.
 *
 * <p>Everything the instance touches belongs to the network namespace of the thread that called
 * {@link #start}: its sockets and interface, and its thread. The machine is only ever used by the
 * instance's thread.
 */
public final class VrrpInstance implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VrrpInstance.class);

  /** How long {@link #close} waits for the thread to send priority 0 and remove the addresses. */
  private static final long CLOSE_TIMEOUT_MILLIS = 15_000;

  /** Room for the largest advertisement: IP header with options, 8 + 255 × 4 + 8 bytes of VRRP. */
  private static final int RECEIVE_BUFFER = 2048;

  /** The configuration in force; replaced on the instance's thread by {@link #reconfigure}. */
  private volatile InstanceConfig config;
  /** The configuration last given: the one whose tracks take results. */
  private volatile InstanceConfig latest;
  private final RawVrrpSocket socket;
  private final GratuitousArp arp;
  private final Rtnetlink addresses;
  private final LinkMonitor links;
  private final VrrpMachine machine;
  private ReceiveFilter filter;
  private final List<StateListener> listeners;
  private final Thread thread;
  private final byte[] buffer = new byte[RECEIVE_BUFFER];
  private final Queue<TrackResult> trackResults = new ConcurrentLinkedQueue<>();
  private final Queue<InstanceConfig> reconfigurations = new ConcurrentLinkedQueue<>();
  private final Inet4Address source;
  private final List<Inet4Address> destinations;
  private volatile boolean closing;
  private volatile State state = State.INITIALIZE;
  private volatile int effectivePriority;

  private VrrpInstance(InstanceConfig config, Inet4Address source, RawVrrpSocket socket,
      GratuitousArp arp, Rtnetlink addresses, LinkMonitor links, List<StateListener> listeners) {
    this.config = config;
    this.latest = config;
    this.socket = socket;
    this.arp = arp;
    this.addresses = addresses;
    this.links = links;
    this.source = source;
    this.destinations = config.unicast()
        ? config.unicastPeers()
        : List.of(Advertisement.MULTICAST_GROUP);
    this.machine = VrrpMachine.create(config, source);
    this.filter = config.newReceiveFilter();
    this.effectivePriority = machine.effectivePriority();
    this.listeners = listeners;
    this.thread = new Thread(this::run, "vrrp-" + config.name());
    this.thread.setDaemon(true);
  }

  /**
   * Opens the sockets on {@code iface} and starts the instance's thread, all in the calling
   * thread's network namespace. The listeners hear every transition, starting with the one out of
   * Initialize.
   *
   * @throws SecurityException without {@code CAP_NET_RAW} or {@code CAP_NET_ADMIN}, naming the
   *     missing ones and how to grant them
   * @throws IllegalArgumentException if there is no such interface
   * @throws IllegalStateException if it has no IPv4 address, or no Ethernet address for the
   *     gratuitous ARPs
   * @throws IOException if a socket cannot be set up, such as the unicast one when the unicast
   *     source is not an address of this host
   */
  public static VrrpInstance start(InstanceConfig config, String iface, StateListener... listeners)
      throws IOException {
    requireNonNull(config, "config");
    requireNonNull(iface, "iface");
    List<StateListener> all = List.of(listeners);
    Capabilities.require();
    LinuxInterface linux = LinuxInterface.lookup(iface);
    Inet4Address source = config.unicastSource().orElse(linux.primaryAddress());
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      RawVrrpSocket socket = config.unicast()
          ? RawVrrpSocket.openUnicast(linux, source)
          : RawVrrpSocket.open(linux);
      opened.add(socket);
      GratuitousArp arp = GratuitousArp.open(linux);
      opened.add(arp);
      Rtnetlink addresses = Rtnetlink.open();
      opened.add(addresses);
      LinkMonitor links = LinkMonitor.open();
      opened.add(links);
      VrrpInstance instance =
          new VrrpInstance(config, source, socket, arp, addresses, links, all);
      instance.thread.start();
      return instance;
    } catch (IOException | RuntimeException e) {
      for (AutoCloseable resource : opened) {
        try {
          resource.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /** The configuration. */
  public InstanceConfig config() {
    return config;
  }

  /** The state as of the last transition the thread performed. */
  public State state() {
    return state;
  }

  /**
   * The priority as of the last change the thread performed: the configured one moved by the
   * weights of the tracked checks.
   */
  public int effectivePriority() {
    return effectivePriority;
  }

  /** The interface, with the primary address that is the source of the adverts. */
  public LinuxInterface iface() {
    return socket.iface();
  }

  /**
   * Reports one result of the tracked check {@code track} (see {@link
   * io.steelyard.vrrp.state.Track}); callable from any thread, it returns at once and the
   * instance's thread applies it soon after, in order with the other results. Results given before
   * the thread started the machine apply right after the start, so an instance with a weight-0
   * track passes through Fault until the first success arrives.
   *
   * @throws IllegalArgumentException if the configuration has no track of that name
   */
  public void trackResult(String track, boolean passed) {
    requireNonNull(track, "track");
    InstanceConfig given = latest;
    if (given.tracks().stream().noneMatch(t -> t.name().equals(track))) {
      throw new IllegalArgumentException(
          "(" + given.name() + ") no track named '" + track + "': " + given.tracks());
    }
    trackResults.add(new TrackResult(track, passed));
    socket.wakeUp();
  }

  /**
   * Takes {@code next}'s priority, virtual addresses, initial state and preemption without leaving
   * its state ({@link VrrpMachine#reconfigure}); the instance's thread applies it soon after, in
   * order with the track results, and {@link #config()} then returns it.
   *
   * @throws IllegalArgumentException naming what {@code next} changes that cannot change in place;
   *     nothing changes then
   */
  public void reconfigure(InstanceConfig next) {
    requireNonNull(next, "next");
    List<String> fixed = config.fixedDifferences(next);
    if (!fixed.isEmpty()) {
      throw new IllegalArgumentException("(" + config.name() + ") cannot change in place: "
          + String.join(", ", fixed));
    }
    latest = next;
    reconfigurations.add(next);
    socket.wakeUp();
  }

  /**
   * Stops the instance: the thread stops the machine (a master sends one priority-0 advert and
   * removes the addresses), closes the socket and ends. Waits for that, up to 15 seconds; nothing
   * is sent once this returns. Idempotent.
   */
  @Override
  public void close() {
    closing = true;
    socket.wakeUp();
    if (Thread.currentThread() == thread) {
      return;
    }
    try {
      thread.join(CLOSE_TIMEOUT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.error("({}) the VRRP thread did not stop within {} ms", config.name(),
          CLOSE_TIMEOUT_MILLIS);
    }
  }

  @Override
  public String toString() {
    return "VrrpInstance(" + config.name() + " on " + socket.iface().name() + " " + state + ")";
  }

  private void run() {
    try {
      removeLeftovers();
      perform(machine.interfaceChanged(System.nanoTime(), socket.iface().running()));
      perform(machine.start(System.nanoTime()));
      socket.watch(links.fd());
      while (!closing) {
        OptionalLong deadline = machine.nextDeadline();
        int timeout = deadline.isPresent() ? millisUntil(deadline.getAsLong()) : -1;
        if (socket.await(timeout) && !closing) {
          receiveOne();
        }
        if (socket.watchedReady() && !closing) {
          links.drain();
          perform(machine.interfaceChanged(System.nanoTime(), socket.iface().running()));
        }
        for (InstanceConfig next = reconfigurations.poll(); next != null && !closing;
            next = reconfigurations.poll()) {
          apply(next);
        }
        for (TrackResult r = trackResults.poll(); r != null && !closing; r = trackResults.poll()) {
          trackResult(r);
        }
        long now = System.nanoTime();
        if (!closing && deadline.isPresent() && deadline.getAsLong() - now <= 0) {
          perform(machine.tick(now));
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.error("({}) the VRRP thread failed; stopping the instance", config.name(), e);
    } finally {
      try {
        perform(machine.stop(System.nanoTime()));
      } catch (RuntimeException e) {
        LOG.error("({}) stopping failed", config.name(), e);
      } finally {
        socket.close();
        arp.close();
        addresses.close();
        links.close();
      }
    }
  }

  /**
   * Hands a result to the machine; one of a track a reconfiguration has just removed, sent before
   * its script stopped, is left aside.
   */
  private void trackResult(TrackResult r) {
    try {
      perform(machine.trackResult(System.nanoTime(), r.track(), r.passed()));
    } catch (IllegalArgumentException removed) {
      LOG.debug("{}", removed.getMessage());
    }
  }

  /** Applies a new configuration on the instance's thread: the machine's actions, then the filter. */
  private void apply(InstanceConfig next) {
    List<Action> actions;
    try {
      actions = machine.reconfigure(System.nanoTime(), next);
    } catch (IllegalArgumentException e) {
      LOG.error("{}; the configuration in force goes on", e.getMessage());
      return;
    }
    config = next;
    filter = next.newReceiveFilter();
    LOG.info("({}) reconfigured: priority {}, {} virtual address(es){}", next.name(), next.priority(),
        next.virtualAddresses().size(), machine.state() == State.MASTER ? " (master)" : "");
    perform(actions);
  }

  /**
   * Removes the virtual addresses a previous run may have left on the interface (a crash of this
   * process, say), so that no two hosts answer for them: the machine adds them when it becomes
   * master.
   */
  private void removeLeftovers() {
    changeAddresses(false);
  }

  /** Adds or deletes every virtual address, each on its own: one failure does not stop the rest. */
  private void changeAddresses(boolean add) {
    for (VirtualAddress address : config.virtualAddresses()) {
      if (add) {
        add(address);
      } else {
        delete(address);
      }
    }
  }

  private void add(VirtualAddress address) {
    try {
      addresses.addAddress(socket.iface(), address);
    } catch (IOException e) {
      LOG.error("({}) {}", config.name(), e.getMessage());
    }
  }

  private void delete(VirtualAddress address) {
    try {
      addresses.deleteAddress(socket.iface(), address);
    } catch (IOException e) {
      LOG.error("({}) {}", config.name(), e.getMessage());
    }
  }

  /**
   * Receives and handles one datagram. A failed {@code recv} (such as {@code ENETDOWN} while the
   * interface is down) is logged and the loop goes on: reading the error clears it from the socket.
   */
  private void receiveOne() {
    int length;
    try {
      length = socket.receive(buffer);
    } catch (IOException e) {
      LOG.warn("({}) {}", config.name(), e.getMessage());
      return;
    }
    long now = System.nanoTime();
    if (filter.check(ByteBuffer.wrap(buffer, 0, length), now)
        instanceof Verdict.Accepted accepted) {
      perform(machine.advertReceived(now, accepted.source(), accepted.advertisement()));
    }
  }

  private void perform(List<Action> actions) {
    for (Action action : actions) {
      try {
        performOne(action);
      } catch (IOException e) {
        LOG.error("({}) {} failed", config.name(), action, e);
      }
    }
  }

  private void performOne(Action action) throws IOException {
    if (action instanceof Action.SendAdvert send) {
      Advertisement advert = config.advertisement(send.priority());
      for (Inet4Address destination : destinations) {
        try {
          socket.send(advert.encodeIpv4(source, destination), destination);
        } catch (IOException e) {
          // One unreachable peer must not keep the advert from the others.
          LOG.warn("({}) {}", config.name(), e.getMessage());
        }
      }
    } else if (action instanceof Action.AddAddresses) {
      changeAddresses(true);
    } else if (action instanceof Action.RemoveAddresses) {
      changeAddresses(false);
    } else if (action instanceof Action.SendGratuitousArps garps) {
      for (VirtualAddress address : config.virtualAddresses()) {
        arp.send(address.address(), garps.repeat());
      }
    } else if (action instanceof Action.ChangeAddresses change) {
      for (VirtualAddress address : change.removed()) {
        delete(address);
      }
      for (VirtualAddress address : change.added()) {
        add(address);
      }
      for (VirtualAddress address : change.added()) {
        arp.send(address.address(), change.repeat());
      }
    } else if (action instanceof Action.PriorityChange change) {
      effectivePriority = change.to();
      LOG.info("({}) effective priority {} -> {}", config.name(), change.from(), change.to());
    } else if (action instanceof Transition transition) {
      state = transition.to();
      LOG.info("({}) {}", config.name(), transition);
      for (StateListener listener : listeners) {
        try {
          listener.stateChanged(transition);
        } catch (RuntimeException e) {
          LOG.error("({}) a state listener failed on {}", config.name(), transition, e);
        }
      }
    }
  }

  private record TrackResult(String track, boolean passed) {}

  private static int millisUntil(long deadline) {
    long nanos = deadline - System.nanoTime();
    if (nanos <= 0) {
      return 0;
    }
    return (int) Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(nanos) + 1);
  }
}
