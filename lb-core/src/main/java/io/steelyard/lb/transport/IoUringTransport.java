package io.steelyard.lb.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.steelyard.lb.config.TcpKeepAlive;
import org.jspecify.annotations.Nullable;

/**
 * Netty's native io_uring transport (Linux 5.x and later): each event loop hands the kernel every
 * queued operation (accepts, receives, sends, connects, closes) in one {@code io_uring_enter} per
 * turn, with multishot accept and receive where the kernel has them, rather than one system call
 * per operation as epoll does. {@link #newIoHandlerFactory()} fails when io_uring is missing.
 */
final class IoUringTransport implements Transport {
  static final IoUringTransport INSTANCE = new IoUringTransport();
  private static final KeepAliveOptions KEEP_ALIVE = new KeepAliveOptions(
      IoUringChannelOption.TCP_KEEPIDLE, IoUringChannelOption.TCP_KEEPINTVL,
      IoUringChannelOption.TCP_KEEPCNT);

  private IoUringTransport() {}

  @Override
  public String name() {
    return "io_uring";
  }

  @Override
  public boolean available() {
    return IoUring.isAvailable();
  }

  @Override
  public @Nullable Throwable unavailabilityCause() {
    return IoUring.unavailabilityCause();
  }

  @Override
  public IoHandlerFactory newIoHandlerFactory() {
    if (!IoUring.isAvailable()) {
      throw new IllegalStateException(
          "io_uring is not available here", IoUring.unavailabilityCause());
    }
    return IoUringIoHandler.newFactory();
  }

  @Override
  public Class<? extends ServerChannel> serverChannelType() {
    return IoUringServerSocketChannel.class;
  }

  @Override
  public Class<? extends Channel> channelType() {
    return IoUringSocketChannel.class;
  }

  @Override
  public boolean shareListener(ServerBootstrap bootstrap) {
    bootstrap.option(IoUringChannelOption.SO_REUSEPORT, true);
    return true;
  }

  @Override
  public void keepAlive(Channel channel, TcpKeepAlive settings) {
    KEEP_ALIVE.apply(channel, settings);
  }
}
