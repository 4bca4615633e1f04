package io.steelyard.lb.forward;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ConnectTimeoutException;
import io.netty.util.concurrent.ScheduledFuture;
import io.steelyard.lb.health.HealthChecker;
import io.steelyard.lb.schedule.Member;
import io.steelyard.lb.stick.StickEntry;
import io.steelyard.lb.stick.StickTable;
import io.steelyard.lb.transport.Source;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a session its server and connects to it, as HAProxy does: the stuck server or the
 * scheduler's pick, a wait in the server's or the backend's queue when none is free, the connect,
 * its retries (after a turn-around pause, except after a timeout) and the redispatch to another
 * server. It holds the server's slot from the pick until {@link #finish}. With {@code stick on} it
 * holds the client's stick entry from the pick too: a server picked for a client without one (or
 * whose server cannot take it) is claimed in the entry at once, so that the client's parallel
 * connections follow it, and the entry is confirmed once connected ({@link StickTable}). Runs on the client's event loop, except {@link
 * #handOver}, which the backend calls from any thread.
 *
 * <p>A failed attempt is retried up to {@code retries} times, on the same server after a
 * turn-around pause of {@code min(connect timeout, 1 s)} when it was refused (so that a restarting
 * server is not hammered); with {@code redispatch}, the last retry, or any retry once the server
 * is no longer usable, goes to another server.
 */
final class Connector implements Waiter, ChannelFutureListener {
  private static final Logger log = LoggerFactory.getLogger(Connector.class);

  /** What the connector tells its session. */
  interface Listener {
    /** Whether the client has gone or is going: a connection made now would answer no one. */
    boolean clientGone();

    /** The server connection is made. */
    void connected(Channel server);

    /** No server connection will be made: the session ends as {@code why}. */
    void gaveUp(Termination why);
  }

  private final SessionHost forwarder;
  private final Backend backend;
  private final Channel client;
  private final RelayHandler.Events session;
  private final Listener listener;
  private final long startNanos;

  private Server target;
  private boolean holdingTarget;
  /** The client's stick entry counting this session, from the pick ({@code stick on}) or the connect. */
  private StickEntry stickEntry;
  /** The entry's state as this session last saw or set it. */
  private long stickSeen;
  /** Whether this session claimed the entry's server: a reservation it takes back if it fails. */
  private boolean stickClaimed;
  private boolean queued;
  private volatile Server waitingIn;
  private long waitingSince;
  private long queueNanos;
  private ScheduledFuture<?> queueTimer;
  private ChannelFuture connecting;
  private ScheduledFuture<?> pendingRetry;
  private long connectNanos = -1;
  private int retries;
  private boolean redispatched;

  /**
   * @param session what hears the events of each server channel it makes
   * @param startNanos when the client was accepted ({@link System#nanoTime()}), for Tc
   */
  Connector(
      SessionHost forwarder,
      Backend backend,
      Channel client,
      RelayHandler.Events session,
      Listener listener,
      long startNanos) {
    this.forwarder = forwarder;
    this.backend = backend;
    this.client = client;
    this.session = session;
    this.listener = listener;
    this.startNanos = startNanos;
  }

  /**
   * Picks a server and connects, or queues; returns whether a server is on its way (connecting or
   * waited for): when not, no server can take the client at all.
   *
   * <p>The server connection is opened by a task of the event loop, not from here. This runs as
   * the client is accepted, while the loop works through a batch of ready sockets, and Netty's epoll
   * transport hands out a batch's events by descriptor number: a socket opened now can take the
   * number of one closed earlier in the batch and be handed that socket's stale events. A stale end
   * of input on a socket not yet connected makes Netty shut its input, which Linux keeps once
   * connected: the server's answer, or its FIN, would never be read. Tasks run between batches.
   */
  boolean start() {
    Server stuck = stuckServer();
    Member member = backend.assign(this, clientAddress(), stuck);
    if (member != null && take(member, stuck == null)) {
      client.eventLoop().execute(this::connect);
      return true;
    }
    return queued;
  }

  /**
   * The server the stick table keeps this client on, if it may take it now. With {@code stick on},
   * the session holds the client's entry from here, counted on it.
   */
  private Server stuckServer() {
    Stickiness stickiness = backend.stickiness();
    if (stickiness == null || !stickiness.match()) {
      return null;
    }
    if (!stickiness.store()) {
      return usable(stickiness.table().match(clientAddress()));
    }
    stickEntry = stickiness.table().open(clientAddress(), StickTable.NO_SERVER);
    if (stickEntry == null) {
      return null;
    }
    stickSeen = stickEntry.state();
    return usable(StickEntry.serverOf(stickSeen));
  }

  /** The server of {@code id} if it takes stuck clients now, else {@code null}. */
  private Server usable(int id) {
    Server server = backend.serverById(id);
    return server != null && server.takesStuckClients() ? server : null;
  }

  /**
   * Makes {@code member}'s server the target. When it was {@code balanced} (a free pick, not the
   * stuck server) under {@code stick on}, claims it for the client in the same step: when another
   * connection of the client claimed first, the session follows that one's server instead, or
   * waits in its queue as a stuck client would. Returns whether the session has a server to
   * connect to now; when not, it is queued ({@link #queued}) or no server can take it.
   */
  private boolean take(Member member, boolean balanced) {
    int claimed = balanced ? claim(member.id()) : member.id();
    Server theirs = claimed == member.id() ? null : usable(claimed);
    if (theirs == null) {
      hold(member); // claimed, or the winner's server cannot take clients: the session keeps its pick
      return true;
    }
    backend.release(backend.server(member));
    Member followed = backend.assign(this, clientAddress(), theirs);
    if (followed == null) {
      return false;
    }
    hold(followed);
    return true;
  }

  /**
   * Claims {@code serverId} in the client's stick entry ({@code stick on} only), creating the
   * entry if the client has none; returns the entry's server now: {@code serverId} unless another
   * connection claimed first (or there is no entry to claim: the table is full).
   */
  private int claim(int serverId) {
    Stickiness stickiness = backend.stickiness();
    if (stickiness == null || !stickiness.match() || !stickiness.store()) {
      return serverId;
    }
    if (stickEntry == null) {
      stickEntry = stickiness.table().open(clientAddress(), serverId);
      if (stickEntry == null) {
        return serverId;
      }
      stickSeen = stickEntry.state();
    } else {
      stickSeen = stickEntry.claim(stickSeen, serverId);
    }
    int now = StickEntry.serverOf(stickSeen);
    stickClaimed = now == serverId;
    return now;
  }

  @Override
  public InetAddress clientAddress() {
    return ((InetSocketAddress) client.remoteAddress()).getAddress();
  }

  // --- waiting in a queue ---

  @Override
  public void waitIn(Server server) {
    waitingIn = server;
    if (!queued) {
      queued = true;
      waitingSince = System.nanoTime();
      long timeout = backend.config().queueTimeout().toMillis();
      if (timeout > 0) { // 0: no timeout, as in HAProxy
        queueTimer = client.eventLoop().schedule(this::queueTimedOut, timeout, TimeUnit.MILLISECONDS);
      }
    }
  }

  @Override
  public long waitingSince() {
    return waitingSince;
  }

  private void queueTimedOut() {
    Server server = waitingIn;
    if (backend.leaveQueue(this, server)) {
      queued = false;
      backend.counters().queueTimeouts.increment();
      if (server != null) {
        server.counters().queueTimeouts.increment();
      }
      queueNanos = System.nanoTime() - waitingSince;
      listener.gaveUp(Termination.QUEUE_TIMEOUT);
    }
  }

  @Override
  public void handOver(Member member) {
    client.eventLoop().execute(() -> {
      queued = false;
      stopQueueTimer();
      queueNanos = System.nanoTime() - waitingSince;
      if (listener.clientGone()) {
        backend.release(backend.server(member));
        return;
      }
      // from the backend's queue the pick was free; from a server's, the client's own server
      if (take(member, waitingIn == null)) {
        connect();
      } else if (!queued) {
        listener.gaveUp(Termination.SERVER_REFUSED);
      }
    });
  }

  private void stopQueueTimer() {
    if (queueTimer != null) {
      queueTimer.cancel(false);
    }
  }

  // --- connecting ---

  private void connect() {
    pendingRetry = null;
    if (listener.clientGone()) {
      return; // it left while the connect waited for its turn: abandon() has logged it
    }
    Channel server;
    try {
      server = forwarder.serverChannel(client.eventLoop(), backend, new RelayHandler(session, false));
    } catch (ChannelException noSocket) {
      connectFailed(noSocket); // no descriptor left for it (EMFILE): retried as a failed connect
      return;
    }
    Source source = backend.config().source();
    connecting =
        source == null
            ? server.connect(target.address())
            : server.connect(
                target.address(), source.bindAddress((InetSocketAddress) client.remoteAddress()));
    connecting.addListener(this);
  }

  /** The connect is done: made, failed, timed out or cancelled. */
  @Override
  public void operationComplete(ChannelFuture future) {
    connecting = null;
    if (!future.isCancelled()) {
      observe(future.isSuccess());
    }
    if (listener.clientGone()) {
      future.channel().close();
      return;
    }
    if (!future.isSuccess()) {
      future.channel().close();
      connectFailed(future.cause());
      return;
    }
    connectNanos = System.nanoTime() - startNanos;
    stick();
    listener.connected(future.channel());
  }

  /** Tells the target's health checker how a live connection went ({@code observe layer4}). */
  private void observe(boolean connected) {
    HealthChecker checker = target.checker();
    if (checker != null && target.check().observeLayer4()) {
      checker.observe(connected);
    }
  }

  /**
   * Stores this client's server once connected, as HAProxy's store rules do; the entry counts
   * this connection until the session ends. With {@code stick on}, the entry held since the pick
   * takes the server unless a newer choice was written meanwhile.
   */
  private void stick() {
    Stickiness stickiness = backend.stickiness();
    if (stickiness == null || !stickiness.store()) {
      return;
    }
    if (stickEntry != null) {
      stickiness.table().connected(stickEntry, stickSeen, target.member().id());
    } else {
      stickEntry = stickiness.table().store(clientAddress(), target.member().id());
    }
  }

  private void connectFailed(Throwable cause) {
    target.counters().connectErrors.increment();
    backend.counters().connectErrors.increment();
    boolean timedOut = cause instanceof ConnectTimeoutException;
    Termination gaveUp = timedOut ? Termination.SERVER_CONNECT_TIMEOUT : Termination.SERVER_REFUSED;
    log.debug("{}/{}: connect failed: {}", backend.name(), target.name(), cause.getMessage());
    if (retries >= backend.config().retries()) {
      listener.gaveUp(gaveUp);
      return;
    }
    retries++;
    Member failed = target.member();
    boolean lastRetry = retries == backend.config().retries();
    if (backend.config().redispatch() && (lastRetry || !target.takesStuckClients())) {
      Member next = backend.scheduler().acquire(clientAddress(), failed);
      leaveTarget();
      target.counters().redispatches.increment();
      backend.counters().redispatches.increment();
      redispatched = true;
      if (next == null) {
        listener.gaveUp(gaveUp);
        return;
      }
      redispatchTo(next, failed);
    } else {
      target.counters().retries.increment();
      backend.counters().retries.increment();
    }
    if (timedOut) {
      connect();
    } else {
      pendingRetry =
          client.eventLoop().schedule(this::connect, turnAroundMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Makes {@code next} the target after {@code failed} failed, and claims it for the client: when
   * another of its connections moved the client first, to a server that is not the failed one and
   * has room, the session goes there too.
   */
  private void redispatchTo(Member next, Member failed) {
    int claimed = claim(next.id());
    Server theirs = claimed == next.id() ? null : usable(claimed);
    if (theirs != null && theirs.member() != failed
        && backend.scheduler().acquireDirect(theirs.member())) {
      backend.release(backend.server(next));
      hold(theirs.member());
    } else {
      hold(next);
    }
  }

  /** Makes {@code member}'s server the target; the scheduler has counted the connection on it. */
  private void hold(Member member) {
    target = backend.server(member);
    target.counters().open();
    holdingTarget = true;
  }

  /** Gives back the target's slot; the target stays named for the log. */
  private void leaveTarget() {
    if (holdingTarget) {
      holdingTarget = false;
      target.counters().close();
      backend.release(target);
    }
  }

  // --- ending ---

  /**
   * The client left before a server connection was made: stops waiting or trying, and returns how
   * the session ended ({@code null} if it was neither waiting nor connecting).
   */
  Termination abandon() {
    Termination ended = null;
    if (queued) {
      ended = Termination.CLIENT_LEFT_QUEUE;
      if (backend.leaveQueue(this, waitingIn)) {
        queued = false;
        stopQueueTimer();
      }
    } else if (target != null) {
      ended = Termination.CLIENT_LEFT_CONNECTING;
    }
    if (connecting != null) {
      connecting.cancel(false);
    }
    if (pendingRetry != null) {
      pendingRetry.cancel(false);
    }
    return ended;
  }

  /** The session ended: its stick entry stops counting it and its server's slot is given back. */
  void finish() {
    if (stickEntry != null) {
      if (stickClaimed && connectNanos < 0) {
        backend.stickiness().table().abandon(stickEntry, stickSeen);
      } else {
        stickEntry.connectionClosed();
      }
    }
    leaveTarget();
  }

  // --- what the log and the listings say ---

  /** The server picked last, or {@code null}; read from any thread, it may be a moment stale. */
  Server target() {
    return target;
  }

  /** Milliseconds spent waiting in a queue. */
  long queueMillis() {
    return TimeUnit.NANOSECONDS.toMillis(queueNanos);
  }

  /** Milliseconds from leaving the queue to the server connection, -1 if none was made. */
  long connectMillis() {
    return connectNanos < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(connectNanos - queueNanos);
  }

  int retries() {
    return retries;
  }

  boolean redispatched() {
    return redispatched;
  }

  /**
   * The pause before retrying a refused connection on the same server: 1 s, or the connect
   * timeout if it is shorter (and not 0, which is none), as HAProxy's.
   */
  private long turnAroundMillis() {
    long connect = backend.config().connectTimeout().toMillis();
    return connect > 0 ? Math.min(connect, 1000) : 1000;
  }
}
