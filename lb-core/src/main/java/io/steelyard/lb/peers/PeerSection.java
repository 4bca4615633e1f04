package io.steelyard.lb.peers;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.ServerChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.PlatformDependent;
import io.steelyard.lb.config.PeerConfig;
import io.steelyard.lb.config.PeersConfig;
import io.steelyard.lb.stick.StickEntry;
import io.steelyard.lb.stick.StickServers;
import io.steelyard.lb.stick.StickTable;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running {@code peers} section: it listens on the local peer's address, keeps one session with
 * each remote peer (opening it, and reopening it 50 ms to 2 s after it ends), pushes the entries
 * written here to every peer, applies theirs with their remaining time to live, and learns the
 * whole tables from a peer when it starts.
 *
 * <p><b>Pushing.</b> A table's {@link StickTable#watch watcher} queues each entry written here
 * (once until it is taken), and a drain a few milliseconds later, on the section's loop, numbers
 * the entries in an {@link UpdateJournal} and pushes the new numbers to each open session. What
 * the forwarding path pays is the watcher: a flag on the entry and, when the entry was not queued
 * already, a lock-free queue offer. Entries a peer sent are not pushed on (as in HAProxy, each
 * process pushes its own writes to every peer). A peer that reconnects resumes from what it
 * acknowledged; one further behind than the journal is taught whole tables.
 *
 * <p><b>Resync.</b> When it starts, the section asks the first peer it reaches for its tables
 * ({@code RESYNCREQ}); a peer that answers PARTIAL (it has not all of them either) or does not
 * finish within 5 s is given up for the next one. Once a peer taught it, once no peer was
 * reachable, or after 5 s, the section counts itself complete ({@link #awaitStart}) and answers
 * resync requests with FINISHED; before that, with PARTIAL. Unlike HAProxy, it does not first
 * wait 5 s for an old local process: Steelyard has none to learn from.
 *
 * <p><b>Crossing sessions.</b> Each side opens a session to each peer it has none with, so two
 * may cross. A session the peer opens while ours is open or under way is refused with status 300
 * (try again): ours is kept. HAProxy keeps the session the peer opened and drops its own, so
 * against HAProxy the two rules keep the same session at once; between two Steelyards both are
 * refused, and the random delay before reconnecting lets one through.
 *
 * <p><b>Safety.</b> The protocol has no authentication: the section listens on the local peer's
 * address only, accepts only the names of its peers, each from its configured address, and binds
 * its own connections to the local address so that its peers can do the same check. With {@link
 * io.steelyard.lb.config.PeerTls TLS}, every session is encrypted and both sides authenticated.
 *
 * <p>Thread-safe: everything but the watchers runs on one event loop of the balancer's.
 */
public final class PeerSection implements AutoCloseable {
  /** A session without a message for this long is closed. */
  static final Duration SESSION_TIMEOUT = Duration.ofSeconds(5);
  /** A session with nothing written for this long sends a heartbeat. */
  static final Duration HEARTBEAT = Duration.ofSeconds(3);
  /** How long a resync, and the wait for one at start, may take. */
  static final Duration RESYNC_TIMEOUT = Duration.ofSeconds(5);
  private static final int CONNECT_TIMEOUT_MILLIS = 1_000;
  private static final long DRAIN_DELAY_MILLIS = 5;
  private static final int MAX_JOURNAL = 1 << 20;
  private static final Logger LOG = LoggerFactory.getLogger(PeerSection.class);

  private final PeersConfig config;
  private final @Nullable PeerTlsContexts tls;
  private final List<ReplicatedTable> tables;
  private final EventLoop loop;
  private final Bootstrap outbound;
  private final Map<String, RemotePeer> remotes = new LinkedHashMap<>();
  private final UpdateJournal journal;
  private final List<Queue<StickEntry>> written = new ArrayList<>();
  private final AtomicBoolean drainArmed = new AtomicBoolean();
  private final Map<PeerRejection, Long> rejections = new EnumMap<>(PeerRejection.class);
  private final ZonedDateTime started = ZonedDateTime.now();
  private volatile boolean closed;
  private @Nullable Channel listener;
  private final CountDownLatch completed = new CountDownLatch(1);
  private @Nullable PeerSession learner;
  private @Nullable ScheduledFuture<?> learnTimeout;
  private @Nullable ScheduledFuture<?> startTimeout;
  private int maxMinorVersion = 1;
  private long applied;
  private long unresolved;

  private PeerSection(PeersConfig config, List<ReplicatedTable> tables, EventLoop loop, Bootstrap outbound) {
    this.config = config;
    this.tls = PeerTlsContexts.of(config);
    this.tables = List.copyOf(tables);
    this.loop = loop;
    this.outbound = outbound;
    for (PeerConfig remote : config.remotes()) {
      remotes.put(remote.name(), new RemotePeer(remote, tables.size()));
    }
    long capacity = 0;
    for (ReplicatedTable table : tables) {
      capacity += table.table().size();
    }
    journal = new UpdateJournal((int) Math.min(Math.max(capacity, 1024), MAX_JOURNAL));
    if (remotes.isEmpty()) {
      completeNow();
    }
  }

  /**
   * Starts the section: binds the local peer's address, then connects to each remote peer.
   *
   * @param loop the event loop everything of the section runs on
   * @param outbound a bootstrap of the balancer's transport, cloned for each connection
   * @param serverChannel the transport's type of listening channel
   * @throws IllegalStateException naming the section and the address when it cannot listen, or the
   *     file when its TLS certificate, key or CA cannot be read
   */
  public static PeerSection start(
      PeersConfig config,
      List<ReplicatedTable> tables,
      EventLoop loop,
      Bootstrap outbound,
      Class<? extends ServerChannel> serverChannel) {
    return start(config, tables, loop, outbound, serverChannel, 1);
  }

  /**
   * As the public {@code start}, speaking the protocol's 2.0 to 2.{@code maxMinorVersion}: 0 plays
   * an old peer, which greets with 2.0 and answers 502 to 2.1.
   */
  static PeerSection start(
      PeersConfig config,
      List<ReplicatedTable> tables,
      EventLoop loop,
      Bootstrap outbound,
      Class<? extends ServerChannel> serverChannel,
      int maxMinorVersion) {
    PeerSection section = new PeerSection(config, tables, loop, outbound);
    section.maxMinorVersion = maxMinorVersion;
    section.remotes.values().forEach(peer -> peer.speaks20 = maxMinorVersion == 0);
    section.listen(serverChannel);
    for (int i = 0; i < tables.size(); i++) {
      Queue<StickEntry> queue = PlatformDependent.newMpscQueue();
      section.written.add(queue);
      tables.get(i).table().watch(entry -> section.written(queue, entry));
    }
    loop.execute(section::connectAll);
    return section;
  }

  private void listen(Class<? extends ServerChannel> serverChannel) {
    InetSocketAddress address = config.local().address();
    ChannelFuture bound = new ServerBootstrap()
        .group(loop)
        .channel(serverChannel)
        .childHandler(initializer(null))
        .bind(address)
        .awaitUninterruptibly();
    if (!bound.isSuccess()) {
      throw new IllegalStateException("peers '" + name() + "': cannot listen on "
          + address.getAddress().getHostAddress() + ":" + address.getPort() + " for peer '"
          + localName() + "': " + bound.cause().getMessage(), bound.cause());
    }
    listener = bound.channel();
  }

  private ChannelInitializer<Channel> initializer(@Nullable PeerSession outgoing) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel channel) {
        PeerSession session = outgoing == null ? PeerSession.accepted(PeerSection.this) : outgoing;
        if (tls != null) {
          channel.pipeline().addLast(outgoing == null ? tls.server(channel) : tls.client(channel));
        }
        channel.pipeline().addLast(
            new IdleStateHandler(SESSION_TIMEOUT.toMillis(), HEARTBEAT.toMillis(), 0, TimeUnit.MILLISECONDS),
            session);
      }
    };
  }

  private void connectAll() {
    startTimeout = loop.schedule(this::startWaitOver, RESYNC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    remotes.values().forEach(this::connect);
  }

  private void connect(RemotePeer peer) {
    if (closed || peer.session != null) {
      return;
    }
    PeerSession session = PeerSession.connecting(this, peer);
    peer.session = session;
    peer.status = RemotePeer.CONNECTING;
    peer.newConnections++;
    Bootstrap bootstrap = outbound.clone(loop)
        .handler(initializer(session))
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS);
    InetAddress local = config.local().address().getAddress();
    if (!local.isAnyLocalAddress()) {
      bootstrap.localAddress(new InetSocketAddress(local, 0));
    }
    bootstrap.connect(peer.config.address()).addListener(future -> {
      if (!future.isSuccess() && peer.session == session) {
        peer.session = null;
        peer.status = 0;
        peer.unreachable = true;
        if (!complete() && learner == null
            && remotes.values().stream().allMatch(other -> other.unreachable && other.session == null)) {
          LOG.info("peers '{}': no peer is reachable; going on with what it has", name());
          completeNow();
        }
        reconnectLater(peer);
      }
    });
  }

  private void reconnectLater(RemotePeer peer) {
    if (closed || peer.reconnect != null) {
      return;
    }
    long delay = 50 + ThreadLocalRandom.current().nextLong(2_000);
    peer.reconnectAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
    peer.reconnect = loop.schedule(() -> {
      peer.reconnect = null;
      connect(peer);
    }, delay, TimeUnit.MILLISECONDS);
  }

  /** The section's name, which stick tables refer to. */
  public String name() {
    return config.name();
  }

  String localName() {
    return config.local().name();
  }

  Logger log() {
    return LOG;
  }

  List<ReplicatedTable> tables() {
    return tables;
  }

  UpdateJournal journal() {
    return journal;
  }

  boolean isRemote(String name) {
    return remotes.containsKey(name);
  }

  @Nullable RemotePeer remote(String name) {
    return remotes.get(name);
  }

  int maxMinorVersion() {
    return maxMinorVersion;
  }

  /** Whether the section has its peers' tables: taught by one, or none could teach within 5 s. */
  boolean complete() {
    return completed.getCount() == 0;
  }

  /**
   * A session the peer opened passed its greeting, and we have no session of ours with it: it
   * replaces an older session the peer opened (the peer restarted before that one timed out).
   */
  void accepted(PeerSession session) {
    RemotePeer peer = session.knownPeer();
    PeerSession old = peer.session;
    peer.session = session;
    if (peer.reconnect != null) {
      peer.reconnect.cancel(false);
      peer.reconnect = null;
    }
    if (old != null && old != session) {
      old.close("replaced by a new session the peer opened");
    }
  }

  void sessionOpened(PeerSession session) {
    RemotePeer peer = session.knownPeer();
    LOG.info("peers '{}': session with peer '{}' established", name(), peer.name());
    session.startPushing();
    if (!complete() && learner == null && !peer.answeredPartial) {
      learnFrom(session);
    }
  }

  void sessionClosed(PeerSession session) {
    RemotePeer peer = session.peer();
    if (peer != null && peer.session == session) {
      peer.session = null;
      reconnectLater(peer);
    }
    if (learner == session) {
      stopLearning();
      learnFromNext();
    }
  }

  private void learnFrom(PeerSession session) {
    learner = session;
    session.requestResync();
    learnTimeout = loop.schedule(() -> {
      if (learner == session) {
        RemotePeer peer = session.knownPeer();
        LOG.warn("peers '{}': peer '{}' did not finish teaching its tables within {} s",
            name(), peer.name(), RESYNC_TIMEOUT.toSeconds());
        peer.answeredPartial = true;
        stopLearning();
        learnFromNext();
      }
    }, RESYNC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void stopLearning() {
    learner = null;
    if (learnTimeout != null) {
      learnTimeout.cancel(false);
      learnTimeout = null;
    }
  }

  private void learnFromNext() {
    if (complete() || learner != null) {
      return;
    }
    for (RemotePeer peer : remotes.values()) {
      if (peer.session != null && peer.session.open() && !peer.answeredPartial) {
        learnFrom(peer.session);
        return;
      }
    }
  }

  /** A peer answered the resync request: FINISHED ({@code whole}) or PARTIAL. */
  void learned(PeerSession session, boolean whole) {
    if (session != learner) {
      return;
    }
    stopLearning();
    if (whole) {
      completeNow();
      LOG.info("peers '{}': learned the tables from peer '{}'", name(), session.knownPeer().name());
    } else {
      session.knownPeer().answeredPartial = true;
      learnFromNext();
    }
  }

  private void startWaitOver() {
    if (!complete()) {
      completeNow();
      LOG.info("peers '{}': no peer taught the tables within {} s; going on with what it has",
          name(), RESYNC_TIMEOUT.toSeconds());
    }
  }

  private void completeNow() {
    completed.countDown();
  }

  /**
   * Waits until the section has its peers' tables, or knows that it cannot have them now: a peer
   * taught it, none is reachable, none could teach, or the 5 s of the start passed. What a
   * balancer waits for before it starts its attachments, so that a VRRP instance takes the
   * virtual address only with the tables learned. Returns whether it came within {@code bound}.
   */
  public boolean awaitStart(Duration bound) throws InterruptedException {
    return completed.await(bound.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The index of our table that a peer's definition names, or -1 when we do not replicate it. */
  int localTable(TableDefinition definition) {
    for (int i = 0; i < tables.size(); i++) {
      if (tables.get(i).name().equals(definition.name())) {
        boolean sameShape = definition.keyType() == TableDefinition.KEY_IPV4
            && definition.keyLength() == 4 && definition.replicable();
        return sameShape ? i : -1;
      }
    }
    return -1;
  }

  /** Applies a peer's entry to table {@code index}, for the time it has left there. */
  void apply(int index, TableUpdate update) {
    ReplicatedTable replicated = tables.get(index);
    int serverId = replicated.servers().serverId(
        update.serverName(), update.serverId() > 0 ? update.serverId() : -1);
    long ttl = update.ttlMillis() >= 0 ? update.ttlMillis() : replicated.table().expire().toMillis();
    if (serverId < 0 || ttl <= 0) {
      unresolved++;
      return;
    }
    try {
      replicated.table().setServer(
          InetAddress.getByAddress(update.key()), serverId, Duration.ofMillis(ttl));
      applied++;
    } catch (UnknownHostException e) {
      throw new AssertionError("4 bytes make an IPv4 address", e);
    }
  }

  void rejected(PeerRejection reason) {
    rejections.merge(reason, 1L, Long::sum);
  }

  /** The journal number that a peer's 32-bit acknowledgement {@code update} stands for. */
  long journalNumber(long update) {
    long last = journal.next() - 1;
    return last - ((last - update) & 0xFFFF_FFFFL);
  }

  /** An entry as it goes to a peer: the key, the server's HAProxy id and name, its time left. */
  record Entry(byte[] key, int haproxyId, String server, long ttlMillis) {}

  /** A journaled entry of table {@code index} as it is now, when it can be sent. */
  Optional<Entry> entry(int index, StickEntry entry) {
    StickServers servers = tables.get(index).servers();
    String server = servers.name(entry.serverId());
    if (server == null || entry.retired()) {
      return Optional.empty();
    }
    return Optional.of(new Entry(entry.client().getAddress(), servers.haproxyId(entry.serverId()), server, -1));
  }

  /** Every entry of table {@code index} that can be sent. */
  List<Entry> entries(int index) {
    List<Entry> entries = new ArrayList<>();
    for (StickEntry.Snapshot snapshot : tables.get(index).table().entries()) {
      sendable(index, snapshot).ifPresent(entries::add);
    }
    return entries;
  }

  private Optional<Entry> sendable(int index, StickEntry.Snapshot snapshot) {
    ReplicatedTable replicated = tables.get(index);
    String server = replicated.servers().name(snapshot.serverId());
    if (!(snapshot.client() instanceof Inet4Address) || server == null) {
      return Optional.empty();
    }
    return Optional.of(new Entry(snapshot.client().getAddress(),
        replicated.servers().haproxyId(snapshot.serverId()), server,
        Math.max(snapshot.expiresIn().toMillis(), 1)));
  }

  private void written(Queue<StickEntry> queue, StickEntry entry) {
    if (closed) {
      return;
    }
    queue.offer(entry);
    if (!drainArmed.get() && drainArmed.compareAndSet(false, true)) {
      loop.schedule(this::drain, DRAIN_DELAY_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** Numbers the queued entries in the journal and pushes them to the open sessions. */
  private void drain() {
    drainArmed.set(false);
    for (int i = 0; i < tables.size(); i++) {
      Queue<StickEntry> queue = written.get(i);
      for (StickEntry entry; (entry = queue.poll()) != null; ) {
        entry.takeWritten();
        if (entry.client() instanceof Inet4Address) {
          journal.append(i, entry);
        }
      }
    }
    for (RemotePeer peer : remotes.values()) {
      if (peer.session != null) {
        peer.session.push();
      }
    }
  }

  /**
   * The section as HAProxy's {@code show peers} writes it ({@link ShowPeers}), read on the
   * section's loop.
   */
  public String describe() {
    return loop.submit(() -> ShowPeers.describe(this)).syncUninterruptibly().getNow();
  }

  ZonedDateTime started() {
    return started;
  }

  /** {@code finished}, {@code learning} or {@code waiting}: where the resync at start stands. */
  String resyncState() {
    return complete() ? "finished" : learner != null ? "learning" : "waiting";
  }

  /** Entries applied from peers, entries whose server could not be found, rejections by reason. */
  String counters() {
    return "applied=" + applied + " unresolved=" + unresolved + " rejected=" + rejections;
  }

  Iterable<RemotePeer> remotes() {
    return remotes.values();
  }

  PeerConfig local() {
    return config.local();
  }

  /** Closes the sessions and the listener; the tables stay as they are. */
  @Override
  public void close() {
    closed = true;
    loop.submit(() -> {
      for (ScheduledFuture<?> timer : new ScheduledFuture<?>[] {startTimeout, learnTimeout}) {
        if (timer != null) {
          timer.cancel(false);
        }
      }
      requireNonNull(listener, "a started section listens").close();
      for (RemotePeer peer : remotes.values()) {
        if (peer.reconnect != null) {
          peer.reconnect.cancel(false);
        }
        if (peer.session != null) {
          peer.session.close("the balancer stops");
        }
      }
    }).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
