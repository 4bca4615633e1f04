package io.steelyard.lb.forward;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.socket.DuplexChannel;
import io.steelyard.lb.transport.Transport;
import io.steelyard.lb.transport.ZeroCopyRelay;

/**
 * One side of a session, the client's or the server's: its channel and what the session knows of
 * it. Whether its input has ended and its socket closed, whether the zero-copy relay moves what it
 * reads, its inactivity timer and the bytes read from it. Used on the session's event loop only.
 */
final class Side {
  private final Channel channel;
  private final boolean client;
  private final Transport transport;
  /** Its inactivity timeout, or {@code null} when it has none. */
  private InactivityTimer idle;
  private long bytesRead;
  private boolean inputEnded;
  private boolean closed;
  private boolean closesAtItsFin;
  private boolean direct;
  private boolean offered;

  /** @param transport the transport of its socket, which sends its FIN */
  Side(Channel channel, boolean client, Transport transport) {
    this.channel = channel;
    this.client = client;
    this.transport = transport;
  }

  Channel channel() {
    return channel;
  }

  /** Whether this is the client's side. */
  boolean client() {
    return client;
  }

  // --- what the session has seen ---

  /** Its peer sent a FIN: nothing more will be read from it. */
  void inputEnded() {
    inputEnded = true;
  }

  boolean hasInputEnded() {
    return inputEnded;
  }

  /** Its socket closed. */
  void closed() {
    closed = true;
    if (idle != null) {
      idle.cancel();
    }
  }

  boolean isClosed() {
    return closed;
  }

  /** Whether the zero-copy relay moves what this side reads (and paces its reading). */
  void direct(boolean direct) {
    this.direct = direct;
  }

  boolean isDirect() {
    return direct;
  }

  /**
   * Marks its direction as offered to the zero-copy relay; returns whether it had been already: a
   * direction is offered once, taken or not.
   */
  boolean offer() {
    boolean already = offered;
    offered = true;
    return already;
  }

  /** Counts {@code bytes} read from this side. */
  void read(int bytes) {
    bytesRead += bytes;
    if (idle != null) {
      idle.touch();
    }
  }

  long bytesRead() {
    return bytesRead;
  }

  // --- the channel ---

  /**
   * Starts its inactivity timer: {@code onIdle} runs after {@code millis} without a read, a write
   * or progress in writing, 0 for none.
   */
  void watchInactivity(long millis, Runnable onIdle) {
    if (millis > 0 && channel.isActive()) {
      idle = new InactivityTimer(channel, millis, onIdle);
    }
  }

  /** Restarts its inactivity timer as a read or a write would (bytes moved without the pipeline). */
  void movedWithoutPipeline() {
    if (idle != null) {
      idle.touch();
    }
  }

  boolean isActive() {
    return channel.isActive();
  }

  boolean isWritable() {
    return channel.isWritable();
  }

  /** Whether it reads: paused while its peer cannot take more, or while the relay paces it. */
  boolean isReading() {
    return channel.config().isAutoRead();
  }

  void reading(boolean on) {
    channel.config().setAutoRead(on);
  }

  /** Queues {@code msg} for writing; a failure reaches the pipeline as an exception. */
  void write(Object msg) {
    channel.write(msg, channel.voidPromise());
    if (idle != null) {
      idle.touch();
    }
  }

  void flush() {
    channel.flush();
  }

  /**
   * Sends a FIN once what is already queued for it has been written. After that, where it {@link
   * #mayCloseAtItsFin}, its own FIN ends it: Netty closes it at once rather than shut its input, a
   * {@code shutdown(SHUT_RD)} that fails with {@code ENOTCONN} once both FINs have crossed and
   * costs an exception with a stack trace. HAProxy, too, closes such a socket.
   */
  void shutdownOutputWhenWritten() {
    DuplexChannel duplex = (DuplexChannel) channel;
    if (!channel.isActive() || duplex.isOutputShutdown()) {
      return;
    }
    if (nothingQueued()) {
      sendFin(duplex);
      return;
    }
    channel
        .writeAndFlush(Unpooled.EMPTY_BUFFER)
        .addListener(
            (ChannelFutureListener)
                written -> {
                  if (written.isSuccess()) {
                    sendFin(duplex);
                  }
                });
  }

  private void sendFin(DuplexChannel duplex) {
    transport.sendFin(duplex);
    if (mayCloseAtItsFin()) {
      offered = true; // never spliced from now on
      closesAtItsFin = true;
      channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
    }
  }

  /**
   * Whether, once sent a FIN, it may close at its own: unless the zero-copy relay reads it, since
   * Netty would then close it at the first {@code EPOLLRDHUP}, before the relay has moved what is
   * still in the socket. So always where every byte is copied, never where the relay takes every
   * direction, and where it waits for a full read, as long as this side is not spliced yet.
   */
  private boolean mayCloseAtItsFin() {
    ZeroCopyRelay relay = transport.zeroCopyRelay();
    return relay == null || (relay.afterAFullRead() && !direct);
  }

  /**
   * Whether it closes at its own FIN, ours sent: then a close that no error and no decision of the
   * session caused is that FIN.
   */
  boolean closesAtItsFin() {
    return closesAtItsFin;
  }

  /** Whether it closed at its own FIN, ours sent: Netty reports the close a moment later. */
  boolean closedAtItsFin() {
    return closesAtItsFin && !channel.isActive();
  }

  /** Closes it once what is already queued for it has been written. */
  void closeWhenWritten() {
    if (!channel.isActive() || nothingQueued()) {
      channel.close();
    } else {
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  void close() {
    channel.close();
  }

  /** Closes it with a reset (SO_LINGER 0), passing on a reset from its peer. */
  void reset() {
    if (channel.isActive()) {
      channel.config().setOption(ChannelOption.SO_LINGER, 0);
      channel.close();
    }
  }

  /** The bytes queued for it and not yet written. */
  long pendingBytes() {
    ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
    return buffer == null ? 0 : buffer.totalPendingWriteBytes();
  }

  /**
   * Whether nothing waits to be written to it: then a FIN or a close can go at once, without a
   * round through the outbound buffer.
   */
  private boolean nothingQueued() {
    ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
    return buffer == null || (buffer.isEmpty() && buffer.totalPendingWriteBytes() == 0);
  }
}
