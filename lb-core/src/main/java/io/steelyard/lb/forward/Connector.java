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
 * server. It holds the server's slot from the pick until {@link #finish} and stores the client's
 * server in the stick table once connected. Runs on the client's event loop, except {@link
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
  private StickEntry stickEntry;
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
    Member member = backend.assign(this, clientAddress(), stuckServer());
    if (member != null) {
      take(member);
      client.eventLoop().execute(this::connect);
      return true;
    }
    return queued;
  }

  /** The server the stick table keeps this client on, if it may take it now. */
  private Server stuckServer() {
    Stickiness stickiness = backend.stickiness();
    if (stickiness == null || !stickiness.match()) {
      return null;
    }
    Server server = backend.serverById(stickiness.table().match(clientAddress()));
    return server != null && server.takesStuckClients() ? server : null;
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
      take(member);
      connect();
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
   * this connection until the session ends.
   */
  private void stick() {
    Stickiness stickiness = backend.stickiness();
    if (stickiness != null && stickiness.store()) {
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
      take(next);
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

  /** Makes {@code member}'s server the target; the scheduler has counted the connection on it. */
  private void take(Member member) {
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
      stickEntry.connectionClosed();
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
