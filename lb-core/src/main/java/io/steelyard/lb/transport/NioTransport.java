package io.steelyard.lb.transport;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The JDK's NIO transport: portable, a little slower than epoll. */
final class NioTransport implements Transport {
  static final NioTransport INSTANCE = new NioTransport();

  private static final Logger log = LoggerFactory.getLogger(NioTransport.class);

  private NioTransport() {}

  static NioTransport afterEpollUnavailable() {
    log.info("epoll unavailable, using NIO: {}", String.valueOf(Epoll.unavailabilityCause()));
    return INSTANCE;
  }

  @Override
  public String name() {
    return "nio";
  }

  @Override
  public IoHandlerFactory newIoHandlerFactory() {
    return NioIoHandler.newFactory();
  }

  @Override
  public Class<? extends ServerChannel> serverChannelType() {
    return NioServerSocketChannel.class;
  }

  @Override
  public Class<? extends Channel> channelType() {
    return NioSocketChannel.class;
  }
}
