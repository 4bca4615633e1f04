package io.steelyard.lb.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import org.jspecify.annotations.Nullable;

/**
 * Netty's epoll event loop with channels of Steelyard's own, {@link EdgeSocketChannel} and {@link
 * EdgeServerSocketChannel}: each connection registered once, edge-triggered, and left alone until
 * it closes, for fewer system calls per connection than Netty's epoll channels make. It copies
 * (no splice). {@link #newIoHandlerFactory()} fails when epoll is missing.
 */
final class EdgeTransport implements Transport {
  static final EdgeTransport INSTANCE = new EdgeTransport();

  private EdgeTransport() {}

  @Override
  public String name() {
    return "epoll-edge";
  }

  @Override
  public boolean available() {
    return Transport.epoll().available();
  }

  @Override
  public @Nullable Throwable unavailabilityCause() {
    return Transport.epoll().unavailabilityCause();
  }

  @Override
  public IoHandlerFactory newIoHandlerFactory() {
    return Transport.epoll().newIoHandlerFactory();
  }

  @Override
  public Class<? extends ServerChannel> serverChannelType() {
    return EdgeServerSocketChannel.class;
  }

  @Override
  public Class<? extends Channel> channelType() {
    return EdgeSocketChannel.class;
  }

  @Override
  public boolean shareListener(ServerBootstrap bootstrap) {
    return Transport.epoll().shareListener(bootstrap);
  }
}
