package io.steelyard.lb.forward;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.steelyard.lb.config.TrafficLogging;
import io.steelyard.lb.log.LogFormat;
import io.steelyard.lb.log.LogVariable;
import io.steelyard.lb.stats.ConnectionInfo;
import io.steelyard.lb.transport.ZeroCopyRelay;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection and its way to a server: a {@link Connector} finds the server and
 * connects, then the session relays between its two {@link Side}s and ends, logging how.
 *
 * <p>Everything here runs on the client channel's event loop, which the server channel shares, so
 * the state needs no locking. Flow control: a side whose peer cannot take more stops reading until
 * the peer drains, so a connection holds at most about one write-buffer high-water mark plus one
 * read buffer per direction. An end of input on one side becomes a shutdown of output on the other
 * (half-close); a reset becomes a reset; the session ends when both sockets are closed. What the
 * client sends before its server is connected is kept (up to {@link #EARLY_LIMIT}) and goes first.
 *
 * <p>When the transport has a {@link ZeroCopyRelay}, each direction still open once the server is
 * connected (or, for a relay that waits for one, once a read filled its buffer) is handed to it,
 * and the bytes of that direction no longer pass through the pipelines:
 * the relay paces the source, reports what it moves (counted as spliced, and restarting both sides'
 * inactivity timers) and delivers the end of input once the last byte is queued, so that counters,
 * timeouts and half-close behave as with copying. A direction it declines, or gives back, is
 * copied.
 */
final class Session implements Connector.Listener, RelayHandler.Events {
  private static final Logger log = LoggerFactory.getLogger(Session.class);
  /** The most a client may send before its server is connected; then reading pauses. */
  private static final int EARLY_LIMIT = 64 * 1024;
  /**
   * A read this long that filled its buffer lets a relay that waits for one take the direction
   * over ({@link ZeroCopyRelay#afterAFullRead}): HAProxy's buffer size.
   */
  private static final int FULL_READ = 16 * 1024;

  private final SessionHost forwarder;
  private final Frontend frontend;
  private final Backend backend;
  private final Side client;
  private final Connector connector;
  private final RelayHandler clientHandler;
  private final long acceptedAtMillis = System.currentTimeMillis();
  private final long acceptedAtNanos = System.nanoTime();
  /** What the client sent before a server was connected: sent on once it is. */
  private final ArrayDeque<ByteBuf> early = new ArrayDeque<>(2);
  private int earlyBytes;
  private Side server;
  private boolean started;
  /** The session has decided to end: what closes now is its doing. */
  private boolean closing;
  private boolean finished;
  private Termination termination;

  Session(SessionHost forwarder, Frontend frontend, Channel client) {
    this.forwarder = forwarder;
    this.frontend = frontend;
    this.backend = frontend.backend();
    this.client = new Side(client, true, forwarder.transport());
    this.clientHandler = new RelayHandler(this, true);
    this.connector = new Connector(forwarder, backend, client, this, this, acceptedAtNanos);
  }

  RelayHandler clientHandler() {
    return clientHandler;
  }

  /**
   * What this connection is now. Read from any thread: the server named may be a moment stale,
   * which a listing can afford.
   */
  ConnectionInfo info() {
    Server current = connector.target();
    return new ConnectionInfo(
        frontend.name(),
        (InetSocketAddress) client.channel().remoteAddress(),
        (InetSocketAddress) client.channel().localAddress(),
        backend.name(),
        current == null ? null : current.name(),
        Duration.ofNanos(System.nanoTime() - acceptedAtNanos));
  }

  /** Lets the zero-copy relay, if any, set up a channel of this session before it reads. */
  @Override
  public void prepare(Channel channel) {
    ZeroCopyRelay relay = forwarder.zeroCopyRelay();
    if (relay != null) {
      relay.prepare(channel);
    }
  }

  /**
   * Whether {@code channel}'s events belong to this session: the client's always, a server
   * connection's only once the connector has handed it over. Until then (while connecting, or
   * after the session gave up on it) its outcome reaches the session through the connector alone.
   */
  @Override
  public boolean owns(Channel channel) {
    return channel == client.channel() || (server != null && channel == server.channel());
  }

  private Side side(boolean clientSide) {
    return clientSide ? client : server;
  }

  private Side peerOf(boolean clientSide) {
    return clientSide ? server : client;
  }

  // --- finding a server ---

  @Override
  public void start() {
    started = true;
    forwarder.sessionStarted(this);
    frontend.counters().open();
    backend.counters().open();
    TrafficLogging logging = frontend.logging();
    if (logging != null && showsFrontendAddress(logging.format())) {
      client.channel().localAddress(); // read while open: the channel keeps it for the log
    }
    if (connector.start()) {
      // Read while waiting for a server, so that a client that leaves is seen at once; what it
      // sends is kept (up to EARLY_LIMIT) until the server connection is made.
      client.reading(true);
    } else {
      frontend.counters().refused.increment();
      backend.counters().refused.increment();
      gaveUp(Termination.SERVER_REFUSED);
    }
  }

  @Override
  public boolean clientGone() {
    return client.isClosed() || closing;
  }

  @Override
  public void gaveUp(Termination why) {
    end(why);
    client.close();
  }

  @Override
  public void connected(Channel channel) {
    server = new Side(channel, false, forwarder.transport());
    TrafficLogging logging = frontend.logging();
    if (logging != null && showsServerAddresses(logging.format())) {
      channel.remoteAddress(); // read while open: the channel keeps them for the log
      channel.localAddress();
    }
    server.watchInactivity(backend.config().serverTimeout().toMillis(), () -> idle(false));
    client.watchInactivity(frontend.clientTimeoutMillis(), () -> idle(true));
    sendEarly();
    if (client.hasInputEnded()) {
      server.shutdownOutputWhenWritten();
    } else {
      client.reading(server.isWritable());
    }
    relayWithoutCopying();
  }

  /**
   * Offers each direction whose input has not ended to the transport's zero-copy relay, after the
   * early data has been queued, so that what the relay moves follows it; to a relay that waits for
   * a full read, later ({@link #relayAfterAFullRead}).
   */
  private void relayWithoutCopying() {
    ZeroCopyRelay relay = forwarder.zeroCopyRelay();
    if (relay == null || relay.afterAFullRead()) {
      return;
    }
    offer(relay, true);
    offer(relay, false);
  }

  /** A read filled its buffer: a relay that waits for one takes the direction now, if it will. */
  private boolean relayAfterAFullRead(boolean fromClient) {
    ZeroCopyRelay relay = forwarder.zeroCopyRelay();
    if (relay == null || !relay.afterAFullRead()) {
      return false;
    }
    offer(relay, fromClient);
    return side(fromClient).isDirect();
  }

  /** Offers the direction read from {@code fromClient}'s side to {@code relay}, once. */
  private void offer(ZeroCopyRelay relay, boolean fromClient) {
    Side source = side(fromClient);
    if (source.hasInputEnded() || source.offer()) {
      return;
    }
    source.direct(
        relay.relay(source.channel(), peerOf(fromClient).channel(), fromClient, new Direct(fromClient)));
  }

  // --- relaying ---

  @Override
  public void relay(boolean fromClient, Object msg) {
    if (fromClient && server == null) {
      keepEarly((ByteBuf) msg);
      return;
    }
    Side peer = peerOf(fromClient);
    if (!peer.isActive()) {
      ReferenceCountUtil.release(msg);
      return;
    }
    ByteBuf bytes = (ByteBuf) msg;
    int length = bytes.readableBytes();
    boolean filledItsBuffer = length >= FULL_READ && !bytes.isWritable();
    count(fromClient, length, false);
    peer.write(msg);
    if (filledItsBuffer && relayAfterAFullRead(fromClient)) {
      return; // the relay paces the source from now on
    }
    if (!peer.isWritable()) {
      // Usually the socket takes it all at once: pause reading only if it does not, which spares
      // two epoll_ctl calls per read on a busy stream.
      peer.flush();
      if (!peer.isWritable()) {
        side(fromClient).reading(false);
      }
    }
  }

  private void count(boolean fromClient, int bytes, boolean spliced) {
    side(fromClient).read(bytes);
    frontend.counters().relayed(fromClient, bytes, spliced);
    backend.counters().relayed(fromClient, bytes, spliced);
    connector.target().counters().relayed(fromClient, bytes, spliced);
  }

  private void keepEarly(ByteBuf data) {
    if (client.isClosed()) {
      data.release();
      return;
    }
    early.addLast(data);
    earlyBytes += data.readableBytes();
    if (earlyBytes >= EARLY_LIMIT) {
      client.reading(false);
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

  @Override
  public void flushTowards(boolean toClient) {
    Side peer = toClient ? client : server;
    if (peer != null) {
      peer.flush();
    }
  }

  /**
   * A side drained below its low-water mark (or filled up): let the other side read again, unless
   * the zero-copy relay paces that direction.
   */
  @Override
  public void writabilityChanged(boolean clientSide) {
    Side self = side(clientSide);
    Side other = peerOf(clientSide);
    if (other != null && !other.isDirect() && self.isWritable() && !other.hasInputEnded()) {
      other.reading(true);
    }
  }

  /**
   * One side's input ended: its peer gets a FIN once what is queued for it is written, or, when
   * the peer's input has ended too, both are closed (the close sends the FIN).
   */
  @Override
  public void endOfInput(boolean clientSide) {
    side(clientSide).inputEnded();
    Side peer = peerOf(clientSide);
    if (peer == null) {
      return; // the client's FIN before a server: sent on once connected
    }
    if (peer.hasInputEnded()) {
      closing = true;
      client.closeWhenWritten();
      server.closeWhenWritten();
    } else {
      peer.shutdownOutputWhenWritten();
    }
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
      count(fromClient, bytes, true);
      side(fromClient).movedWithoutPipeline();
      peerOf(fromClient).movedWithoutPipeline();
    }

    /** Takes the direction back: the source reads while its peer can take more. */
    @Override
    public void copying() {
      Side source = side(fromClient);
      source.direct(false);
      if (!source.hasInputEnded()) {
        source.reading(peerOf(fromClient).isWritable());
      }
    }
  }

  // --- ending ---

  /**
   * An inactivity timeout on one side. A side is not waited for while it is paused because its
   * peer cannot take more, nor when its input has ended and it has nothing left to write: then
   * the other side's timer decides, as HAProxy does.
   */
  private void idle(boolean clientSide) {
    Side self = side(clientSide);
    boolean pausedByPeer = !self.hasInputEnded() && !self.isReading();
    if (pausedByPeer || (self.hasInputEnded() && self.pendingBytes() == 0)) {
      return;
    }
    end(Termination.timeoutOf(clientSide));
    closeNow();
  }

  /**
   * A side's socket failed: a reset is passed on as a reset, anything else as a close. When the
   * other side has already ended by its FIN (its close not yet reported), the session had ended
   * normally: what failed after that, such as a client's reset of late bytes it did not want, does
   * not count against it.
   */
  @Override
  public void failed(boolean clientSide, Throwable cause) {
    Side other = peerOf(clientSide);
    closing = true;
    if (other == null || !other.closedAtItsFin()) {
      end(Termination.closedBy(clientSide));
    }
    if (Resets.isReset(cause)) {
      if (other != null) {
        other.reset();
      }
    } else {
      log.debug("{} side of {} failed", clientSide ? "client" : "server", client.channel(), cause);
      if (other != null) {
        other.close();
      }
    }
    side(clientSide).close();
  }

  /**
   * One side's socket closed. The other side is closed too once what is queued for it is written,
   * whatever closed this one: a session never keeps one socket open without its peer. A side that
   * closes at its FIN ({@link Side#closesAtItsFin}) has no event for its end of input: its close
   * is the usual end.
   */
  @Override
  public void closed(boolean clientSide) {
    Side self = side(clientSide);
    self.closed();
    Side other = peerOf(clientSide);
    if (other == null) {
      Termination abandoned = connector.abandon();
      if (abandoned != null) {
        end(abandoned);
      }
    } else {
      if (!closing) {
        if (self.closesAtItsFin()) {
          self.inputEnded(); // its FIN answered ours: the usual end, both inputs done
        } else {
          end(Termination.closedBy(clientSide));
        }
        closing = true;
      }
      other.closeWhenWritten();
    }
    finishIfClosed();
  }

  /**
   * Closes at once, from the outside (the drain time is over, or an operator shuts the sessions of
   * a server down), logged as killed; done once the returned future completes.
   */
  Future<?> kill() {
    return client.channel().eventLoop().submit(() -> {
      end(server == null ? Termination.KILLED_CONNECTING : Termination.KILLED);
      closeNow();
    });
  }

  private void closeNow() {
    closing = true;
    client.close();
    if (server != null) {
      server.close();
    }
  }

  /** Records how the session ended; the first cause wins. */
  private void end(Termination how) {
    if (termination == null) {
      termination = how;
    }
  }

  private void finishIfClosed() {
    if (finished || !client.isClosed() || (server != null && !server.isClosed())) {
      return;
    }
    finished = true;
    dropEarly();
    if (!started) {
      return;
    }
    connector.finish();
    long totalMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - acceptedAtNanos);
    countEnd(totalMillis);
    backend.counters().close();
    // Logged with the server and the backend counted out and the frontend not yet, as HAProxy.
    TrafficLogging logging = frontend.logging();
    if (logging != null && (!logging.dontLogNull() || client.bytesRead() > 0)) {
      forwarder.log(logging, finishedSession(logging.format(), totalMillis));
    }
    frontend.counters().close();
    forwarder.sessionEnded(this);
  }

  /**
   * Counts how the session ended and, when it reached a server, how long it took ({@code
   * totalMillis} since accept).
   */
  private void countEnd(long totalMillis) {
    Termination how = termination == null ? Termination.NORMAL : termination;
    Server target = connector.target();
    frontend.counters().ended(how);
    backend.counters().ended(how);
    long connectMillis = connector.connectMillis();
    if (connectMillis >= 0) {
      long queueMillis = connector.queueMillis();
      backend.counters().connectedSessionEnded(queueMillis, connectMillis, totalMillis);
      if (target != null) {
        target.counters().connectedSessionEnded(queueMillis, connectMillis, totalMillis);
      }
    }
    if (target != null) {
      target.counters().ended(how);
    }
  }

  private static boolean showsFrontendAddress(LogFormat format) {
    return format.uses(LogVariable.FRONTEND_IP) || format.uses(LogVariable.FRONTEND_PORT);
  }

  private static boolean showsServerAddresses(LogFormat format) {
    return format.uses(LogVariable.SERVER_IP) || format.uses(LogVariable.SERVER_PORT)
        || format.uses(LogVariable.BACKEND_SOURCE_IP) || format.uses(LogVariable.BACKEND_SOURCE_PORT);
  }

  private FinishedSession finishedSession(LogFormat format, long totalMillis) {
    Server target = connector.target();
    boolean serverSide = server != null && showsServerAddresses(format);
    return new FinishedSession(
        (InetSocketAddress) client.channel().remoteAddress(),
        acceptedAtMillis,
        frontend.name(),
        backend.name(),
        target == null ? null : target.name(),
        connector.queueMillis(),
        connector.connectMillis(),
        totalMillis,
        server == null ? 0 : server.bytesRead(),
        termination == null ? Termination.NORMAL : termination,
        forwarder.activeConnections(),
        frontend.counters().current(),
        backend.counters().current(),
        target == null ? 0 : target.counters().current(),
        connector.retries(),
        connector.redispatched(),
        target == null ? 0 : target.counters().queued(),
        backend.counters().queued(),
        client.bytesRead(),
        showsFrontendAddress(format) ? (InetSocketAddress) client.channel().localAddress() : null,
        serverSide ? (InetSocketAddress) server.channel().remoteAddress() : null,
        serverSide ? (InetSocketAddress) server.channel().localAddress() : null);
  }

  /** The server it has picked (for {@code shutdown sessions server}), or {@code null}. */
  Server target() {
    return connector.target();
  }

  long bufferedBytes() {
    return client.pendingBytes() + (server == null ? 0 : server.pendingBytes());
  }
}
