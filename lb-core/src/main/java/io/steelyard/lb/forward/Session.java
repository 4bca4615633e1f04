package io.steelyard.lb.forward;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import io.steelyard.lb.health.HealthChecker;
import io.steelyard.lb.schedule.Member;
import io.steelyard.lb.stick.StickEntry;
import io.steelyard.lb.transport.Source;
import io.steelyard.lb.transport.ZeroCopyRelay;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection and its way to a server: pick a server, connect (with retries and
 * redispatch), relay both ways, end and log.
 *
 * <p>Everything here runs on the client channel's event loop, which the server channel shares, so
 * the state needs no locking. Flow control: a side whose peer cannot take more stops reading until
 * the peer drains, so a connection holds at most about one write-buffer high-water mark plus one
 * read buffer per direction. An end of input on one side becomes a shutdown of output on the other
 * (half-close); a reset becomes a reset; the session ends when both sockets are closed.
 *
 * <p>When the transport has a {@link ZeroCopyRelay}, each direction still open once the server is
 * connected is handed to it, and the bytes of that direction no longer pass through the pipelines:
 * the relay paces the source, reports what it moves (counted as spliced, and restarting both sides'
 * inactivity timers) and delivers the end of input once the last byte is queued, so that counters,
 * timeouts and half-close behave as with copying. A direction it declines, or gives back, is
 * copied.
 */
final class Session {
  private static final Logger log = LoggerFactory.getLogger(Session.class);
  /** The most a client may send before its server is connected; then reading pauses. */
  private static final int EARLY_LIMIT = 64 * 1024;

  private final Forwarder forwarder;
  private final Frontend frontend;
  private final Backend backend;
  private final Channel client;
  private final RelayHandler clientHandler;
  private final long acceptedAtMillis = System.currentTimeMillis();
  private final long acceptedAtNanos = System.nanoTime();
  /** What the client sent before a server was connected: sent on once it is. */
  private final ArrayDeque<ByteBuf> early = new ArrayDeque<>(2);
  private int earlyBytes;

  private Server target;
  private boolean holdingTarget;
  private StickEntry stickEntry;
  private boolean queued;
  private volatile Server waitingIn;
  private long waitingSince;
  private long queueNanos;
  private ScheduledFuture<?> queueTimer;
  private Channel server;
  private ChannelFuture connecting;
  private ScheduledFuture<?> pendingRetry;
  private IdleStateHandler clientIdle;
  private IdleStateHandler serverIdle;
  /** Whether the zero-copy relay moves the client's bytes to the server (the request direction). */
  private boolean requestDirect;
  /** Whether the zero-copy relay moves the server's bytes to the client (the response direction). */
  private boolean responseDirect;
  private long connectNanos = -1;
  private int retries;
  private boolean redispatched;
  private long bytesIn;
  private long bytesOut;
  private boolean clientEof;
  private boolean serverEof;
  private boolean clientClosed;
  private boolean serverClosed;
  private boolean closing;
  private boolean started;
  private boolean finished;
  private char endedBy = '-';
  private char phase = '-';

  Session(Forwarder forwarder, Frontend frontend, Channel client) {
    this.forwarder = forwarder;
    this.frontend = frontend;
    this.backend = frontend.backend();
    this.client = client;
    this.clientHandler = new RelayHandler(this, true);
  }

  RelayHandler clientHandler() {
    return clientHandler;
  }

  /**
   * What this connection is now. Read from any thread: the server named may be a moment stale,
   * which a listing can afford.
   */
  ConnectionInfo info() {
    Server current = target;
    return new ConnectionInfo(
        frontend.name(),
        (InetSocketAddress) client.remoteAddress(),
        (InetSocketAddress) client.localAddress(),
        backend.name(),
        current == null ? null : current.name(),
        java.time.Duration.ofNanos(System.nanoTime() - acceptedAtNanos));
  }

  /** Lets the zero-copy relay, if any, set up a channel of this session before it reads. */
  void prepare(Channel channel) {
    ZeroCopyRelay relay = forwarder.zeroCopyRelay();
    if (relay != null) {
      relay.prepare(channel);
    }
  }

  // --- choosing and connecting to a server ---

  void start() {
    started = true;
    forwarder.sessionStarted(this);
    frontend.counters().open();
    backend.counters().open();
    Member member = backend.assign(this, clientAddress(), stuckServer());
    if (member != null || queued) {
      // Read while waiting for a server, so that a client that leaves is seen at once; what it
      // sends is kept (up to EARLY_LIMIT) until the server connection is made.
      client.config().setAutoRead(true);
    }
    if (member != null) {
      take(member);
      connect();
    } else if (!queued) {
      frontend.counters().refused.increment();
      backend.counters().refused.increment();
      end('S', 'C');
      client.close();
    }
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

  // --- waiting in a queue ---

  /** Called by the backend, under its lock, when it queues this session. */
  void waitIn(Server server) {
    waitingIn = server;
    if (!queued) {
      queued = true;
      waitingSince = System.nanoTime();
      long timeout = backend.queueTimeoutMillis();
      if (timeout > 0) { // 0: no timeout, as in HAProxy
        queueTimer = client.eventLoop().schedule(this::queueTimedOut, timeout, TimeUnit.MILLISECONDS);
      }
    }
  }

  boolean queued() {
    return queued;
  }

  long waitingSince() {
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
      end('s', 'Q');
      client.close();
    }
  }

  /** A server's slot was handed to this waiting session, from any thread. */
  void handOver(Member member) {
    client.eventLoop().execute(() -> {
      queued = false;
      if (queueTimer != null) {
        queueTimer.cancel(false);
      }
      queueNanos = System.nanoTime() - waitingSince;
      if (clientClosed) {
        backend.release(backend.server(member));
        return;
      }
      take(member);
      connect();
    });
  }

  private void connect() {
    pendingRetry = null;
    Bootstrap bootstrap =
        forwarder
            .outbound(client.eventLoop(), backend)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, backend.connectTimeoutMillis())
            .handler(new RelayHandler(this, false));
    Source source = backend.settings().source();
    connecting =
        source == null
            ? bootstrap.connect(target.address())
            : bootstrap.connect(
                target.address(), source.bindAddress((InetSocketAddress) client.remoteAddress()));
    connecting.addListener((ChannelFutureListener) this::connected);
  }

  private void connected(ChannelFuture future) {
    connecting = null;
    if (!future.isCancelled()) {
      observe(future.isSuccess());
    }
    if (clientClosed || closing) {
      // The client is gone, or going: a server connected now would have no one to answer.
      future.channel().close();
      return;
    }
    if (!future.isSuccess()) {
      connectFailed(future.cause());
      return;
    }
    server = future.channel();
    connectNanos = System.nanoTime() - acceptedAtNanos;
    stick();
    serverIdle = idleHandler(backend.serverTimeoutMillis());
    clientIdle = idleHandler(frontend.clientTimeoutMillis());
    server.pipeline().addFirst(serverIdle);
    client.pipeline().addFirst(clientIdle);
    sendEarly();
    if (clientEof) {
      shutdownOutput(server);
    } else {
      client.config().setAutoRead(server.isWritable());
    }
    relayWithoutCopying();
  }

  /**
   * Offers each direction whose input has not ended to the transport's zero-copy relay, after the
   * early data has been queued, so that what the relay moves follows it.
   */
  private void relayWithoutCopying() {
    ZeroCopyRelay relay = forwarder.zeroCopyRelay();
    if (relay == null) {
      return;
    }
    if (!clientEof) {
      requestDirect = relay.relay(client, server, true, new Direct(true));
    }
    responseDirect = relay.relay(server, client, false, new Direct(false));
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

  private static IdleStateHandler idleHandler(long timeoutMillis) {
    return new IdleStateHandler(true, 0, 0, timeoutMillis, TimeUnit.MILLISECONDS);
  }

  private void connectFailed(Throwable cause) {
    target.counters().connectErrors.increment();
    backend.counters().connectErrors.increment();
    boolean timedOut = cause instanceof ConnectTimeoutException;
    log.debug("{}/{}: connect failed: {}", backend.name(), target.name(), cause.getMessage());
    if (retries >= backend.retries()) {
      end(timedOut ? 's' : 'S', 'C');
      client.close();
      return;
    }
    retries++;
    Member failed = target.member();
    if (backend.redispatch() && (retries == backend.retries() || !target.takesStuckClients())) {
      Member next = backend.scheduler().acquire(clientAddress(), failed);
      leaveTarget();
      target.counters().redispatches.increment();
      backend.counters().redispatches.increment();
      redispatched = true;
      if (next == null) {
        end(timedOut ? 's' : 'S', 'C');
        client.close();
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
          client.eventLoop().schedule(this::connect, backend.turnAroundMillis(), TimeUnit.MILLISECONDS);
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

  InetAddress clientAddress() {
    return ((InetSocketAddress) client.remoteAddress()).getAddress();
  }

  // --- relaying ---

  void relay(boolean fromClient, Object msg) {
    if (fromClient && server == null) {
      keepEarly((ByteBuf) msg);
      return;
    }
    Channel peer = fromClient ? server : client;
    if (peer == null || !peer.isActive()) {
      ReferenceCountUtil.release(msg);
      return;
    }
    count(fromClient, ((ByteBuf) msg).readableBytes());
    peer.write(msg, peer.voidPromise());
    if (!peer.isWritable()) {
      // Usually the socket takes it all at once: pause reading only if it does not, which spares
      // two epoll_ctl calls per read on a busy stream.
      peer.flush();
      if (!peer.isWritable()) {
        (fromClient ? client : server).config().setAutoRead(false);
      }
    }
  }

  private void count(boolean fromClient, int bytes) {
    if (fromClient) {
      bytesIn += bytes;
      frontend.counters().bytesIn.add(bytes);
      backend.counters().bytesIn.add(bytes);
      target.counters().bytesIn.add(bytes);
    } else {
      bytesOut += bytes;
      frontend.counters().bytesOut.add(bytes);
      backend.counters().bytesOut.add(bytes);
      target.counters().bytesOut.add(bytes);
    }
  }

  private void countSpliced(boolean fromClient, int bytes) {
    count(fromClient, bytes);
    if (fromClient) {
      frontend.counters().splicedIn.add(bytes);
      backend.counters().splicedIn.add(bytes);
      target.counters().splicedIn.add(bytes);
    } else {
      frontend.counters().splicedOut.add(bytes);
      backend.counters().splicedOut.add(bytes);
      target.counters().splicedOut.add(bytes);
    }
  }

  private void keepEarly(ByteBuf data) {
    if (clientClosed) {
      data.release();
      return;
    }
    early.addLast(data);
    earlyBytes += data.readableBytes();
    if (earlyBytes >= EARLY_LIMIT) {
      client.config().setAutoRead(false);
    }
  }

  /** Sends on what the client sent while its server was not connected yet. */
  private void sendEarly() {
    for (ByteBuf data = early.pollFirst(); data != null; data = early.pollFirst()) {
      relay(true, data);
    }
    earlyBytes = 0;
    server.flush();
  }

  private void dropEarly() {
    for (ByteBuf data = early.pollFirst(); data != null; data = early.pollFirst()) {
      data.release();
    }
    earlyBytes = 0;
  }

  void flushTowards(boolean toClient) {
    Channel peer = toClient ? client : server;
    if (peer != null) {
      peer.flush();
    }
  }

  /**
   * A side drained below its low-water mark (or filled up): let the other side read again, unless
   * the zero-copy relay paces that direction.
   */
  void writabilityChanged(boolean clientSide) {
    Channel self = clientSide ? client : server;
    Channel other = clientSide ? server : client;
    boolean direct = clientSide ? responseDirect : requestDirect;
    if (other != null && !direct && self.isWritable() && !(clientSide ? serverEof : clientEof)) {
      other.config().setAutoRead(true);
    }
  }

  /**
   * One side's input ended: its peer gets a FIN once what is queued for it is written, or, when
   * the peer's input has ended too, both are closed (the close sends the FIN).
   */
  void endOfInput(boolean clientSide) {
    if (clientSide) {
      clientEof = true;
    } else {
      serverEof = true;
    }
    if (clientEof && serverEof) {
      closeAfterFlush();
    } else if (clientSide) {
      if (server != null) {
        shutdownOutput(server);
      }
    } else {
      shutdownOutput(client);
    }
  }

  /** Sends a FIN once what is already queued for {@code channel} has been written. */
  private static void shutdownOutput(Channel channel) {
    DuplexChannel duplex = (DuplexChannel) channel;
    if (!channel.isActive() || duplex.isOutputShutdown()) {
      return;
    }
    if (nothingQueued(channel)) {
      duplex.shutdownOutput();
      return;
    }
    channel
        .writeAndFlush(Unpooled.EMPTY_BUFFER)
        .addListener(
            (ChannelFutureListener)
                written -> {
                  if (written.isSuccess()) {
                    duplex.shutdownOutput();
                  }
                });
  }

  /** Closes {@code channel} once what is already queued for it has been written. */
  private static void closeWhenWritten(Channel channel) {
    if (!channel.isActive() || nothingQueued(channel)) {
      channel.close();
    } else {
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /**
   * Whether nothing waits to be written to {@code channel}: then a FIN or a close can go at once,
   * without a round through the outbound buffer.
   */
  private static boolean nothingQueued(Channel channel) {
    ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
    return buffer == null || (buffer.isEmpty() && buffer.totalPendingWriteBytes() == 0);
  }

  /** Hears from the zero-copy relay about one direction of this session. */
  private final class Direct implements ZeroCopyRelay.Listener {
    private final boolean fromClient;

    Direct(boolean fromClient) {
      this.fromClient = fromClient;
    }

    /**
     * Counts the bytes, and restarts the inactivity timers of both sides as a read from the
     * source and a write to its peer would.
     */
    @Override
    public void moved(int bytes) {
      countSpliced(fromClient, bytes);
      (fromClient ? clientIdle : serverIdle).resetReadTimeout();
      (fromClient ? serverIdle : clientIdle).resetWriteTimeout();
    }

    /** Takes the direction back: the source reads while its peer can take more. */
    @Override
    public void copying() {
      Channel source = fromClient ? client : server;
      Channel peer = fromClient ? server : client;
      if (fromClient) {
        requestDirect = false;
      } else {
        responseDirect = false;
      }
      if (!(fromClient ? clientEof : serverEof)) {
        source.config().setAutoRead(peer.isWritable());
      }
    }
  }

  // --- ending ---

  /**
   * An inactivity timeout on one side. A side is not waited for while it is paused because its
   * peer cannot take more, nor when its input has ended and it has nothing left to write: then
   * the other side's timer decides, as HAProxy does.
   */
  void idle(boolean clientSide) {
    Channel self = clientSide ? client : server;
    boolean eof = clientSide ? clientEof : serverEof;
    boolean pausedByPeer = !eof && !self.config().isAutoRead();
    if (pausedByPeer || (eof && pendingOutboundBytes(self) == 0)) {
      return;
    }
    end(clientSide ? 'c' : 's', 'D');
    closeNow();
  }

  void failed(boolean clientSide, Throwable cause) {
    Channel other = clientSide ? server : client;
    closing = true;
    if (isReset(cause)) {
      end(clientSide ? 'C' : 'S', 'D');
      if (other != null && other.isActive()) {
        other.config().setOption(ChannelOption.SO_LINGER, 0);
        other.close();
      }
    } else {
      log.debug("{} side of {} failed", clientSide ? "client" : "server", client, cause);
      end(clientSide ? 'C' : 'S', 'D');
      if (other != null) {
        other.close();
      }
    }
    (clientSide ? client : server).close();
  }

  private static boolean isReset(Throwable cause) {
    return cause instanceof IOException
        && cause.getMessage() != null
        && cause.getMessage().contains("reset");
  }

  /**
   * One side's socket closed. The other side is closed too once what is queued for it is written,
   * whatever closed this one: a session never keeps one socket open without its peer.
   */
  void closed(boolean clientSide) {
    if (clientSide) {
      clientClosed = true;
      if (server == null) {
        abandonConnect();
      } else {
        if (!closing) {
          end('C', 'D');
        }
        closeWhenWritten(server);
      }
    } else {
      serverClosed = true;
      if (!closing) {
        end('S', 'D');
      }
      closeWhenWritten(client);
    }
    finishIfClosed();
  }

  /**
   * Whether {@code channel}'s events belong to this session: the client's always, a server
   * connection's only once the session has taken it as its server. Until then (while connecting,
   * or after the session gave up on it) its outcome reaches the session through the connect's
   * future alone.
   */
  boolean owns(Channel channel) {
    return channel == client || channel == server;
  }

  /** The client left before a server connection was made: stop waiting or trying. */
  private void abandonConnect() {
    if (queued) {
      end('C', 'Q');
      if (backend.leaveQueue(this, waitingIn)) {
        queued = false;
        if (queueTimer != null) {
          queueTimer.cancel(false);
        }
      }
    } else if (target != null) {
      end('C', 'C');
    }
    if (connecting != null) {
      connecting.cancel(false);
    }
    if (pendingRetry != null) {
      pendingRetry.cancel(false);
    }
  }

  /**
   * Closes at once, from the outside (the drain time is over, or an operator shuts the sessions of
   * a server down), logged as killed; done once the returned future completes.
   */
  Future<?> kill() {
    return client.eventLoop().submit(() -> {
      end('K', server == null ? 'C' : 'D');
      closeNow();
    });
  }

  private void closeAfterFlush() {
    closing = true;
    closeWhenWritten(client);
    closeWhenWritten(server);
  }

  private void closeNow() {
    closing = true;
    client.close();
    if (server != null) {
      server.close();
    }
  }

  /** Records who ended the session and in which phase; the first cause wins. */
  private void end(char by, char when) {
    if (endedBy == '-' && phase == '-') {
      endedBy = by;
      phase = when;
    }
  }

  private void finishIfClosed() {
    if (finished || !clientClosed || (server != null && !serverClosed)) {
      return;
    }
    finished = true;
    dropEarly();
    if (!started) {
      return;
    }
    TrafficLog.log(this);
    if (stickEntry != null) {
      stickEntry.connectionClosed();
    }
    leaveTarget();
    backend.counters().close();
    frontend.counters().close();
    forwarder.sessionEnded(this);
  }

  long bufferedBytes() {
    return pendingOutboundBytes(client) + (server == null ? 0 : pendingOutboundBytes(server));
  }

  static long pendingOutboundBytes(Channel channel) {
    ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
    return buffer == null ? 0 : buffer.totalPendingWriteBytes();
  }

  // --- what the traffic log reports ---

  Channel client() {
    return client;
  }

  Frontend frontend() {
    return frontend;
  }

  Server target() {
    return target;
  }

  long acceptedAtMillis() {
    return acceptedAtMillis;
  }

  /** Milliseconds spent waiting in a queue. */
  long queueMillis() {
    return TimeUnit.NANOSECONDS.toMillis(queueNanos);
  }

  /** Milliseconds from leaving the queue to the server connection, -1 if none was made. */
  long connectMillis() {
    return connectNanos < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(connectNanos - queueNanos);
  }

  long totalMillis() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - acceptedAtNanos);
  }

  long bytesIn() {
    return bytesIn;
  }

  long bytesOut() {
    return bytesOut;
  }

  int retries() {
    return retries;
  }

  boolean redispatched() {
    return redispatched;
  }

  /** HAProxy's two-letter termination state: who ended it and in which phase, {@code --} if normal. */
  String termination() {
    return new String(new char[] {endedBy, phase});
  }

  int activeConnections() {
    return forwarder.activeConnections();
  }
}
