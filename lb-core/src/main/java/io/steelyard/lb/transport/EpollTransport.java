package io.steelyard.lb.transport;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Netty's native epoll transport, copying or with the splice(2) relay for the directions of a
 * {@link Splice}; {@link #newIoHandlerFactory()} fails when epoll is missing, and works around a
 * Netty bug that kills half-closed connections ({@link EpollHandlerFactory}).
 */
final class EpollTransport implements Transport {
  static final EpollTransport COPYING = new EpollTransport(null);
  private static final Map<Splice, EpollTransport> SPLICING = new EnumMap<>(Splice.class);

  static {
    for (Splice directions : Splice.values()) {
      SPLICING.put(directions, new EpollTransport(directions));
    }
  }

  private final @Nullable SpliceRelay spliceRelay;

  private EpollTransport(@Nullable Splice directions) {
    this.spliceRelay = directions == null ? null : new SpliceRelay(directions);
  }

  static EpollTransport splicing(Splice directions) {
    return requireNonNull(SPLICING.get(directions), "every direction has its transport");
  }

  @Override
  public String name() {
    return "epoll";
  }

  @Override
  public boolean available() {
    return Epoll.isAvailable();
  }

  @Override
  public @Nullable Throwable unavailabilityCause() {
    return Epoll.unavailabilityCause();
  }

  @Override
  public IoHandlerFactory newIoHandlerFactory() {
    if (!Epoll.isAvailable()) {
      throw new IllegalStateException("epoll is not available here", Epoll.unavailabilityCause());
    }
    return EpollHandlerFactory.newFactory();
  }

  @Override
  public Class<? extends ServerChannel> serverChannelType() {
    return EpollServerSocketChannel.class;
  }

  @Override
  public Class<? extends Channel> channelType() {
    return EpollSocketChannel.class;
  }

  /**
   * {@code shutdown(SHUT_WR)} on the socket itself, which Netty's channel then reports as shut
   * for output; its {@code shutdownOutput()} would also build a {@code
   * ChannelOutputShutdownException}, stack trace included, for the empty write queue: the one
   * exception left on a short connection's path. Where the socket refuses (a reset came first),
   * Netty's own path fails as it should.
   */
  @Override
  public void sendFin(DuplexChannel channel) {
    if (channel instanceof EpollSocketChannel epoll && epoll.fd() instanceof Socket socket) {
      try {
        socket.shutdown(false, true);
        return;
      } catch (IOException refused) {
        // Netty's path below meets the same error and fails its future with it
      }
    }
    channel.shutdownOutput();
  }

  @Override
  public boolean shareListener(ServerBootstrap bootstrap) {
    bootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
    return true;
  }

  /** The splice relay for the directions this transport splices, or {@code null} when copying. */
  @Override
  public @Nullable ZeroCopyRelay zeroCopyRelay() {
    return spliceRelay;
  }

  @Override
  public String toString() {
    return spliceRelay == null ? name() : name() + " splicing " + spliceRelay.directions();
  }
}
