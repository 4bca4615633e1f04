package io.steelyard.lb.transport;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.steelyard.lb.config.TcpKeepAlive;
import jdk.net.ExtendedSocketOptions;

/** The JDK's NIO transport: portable, a little slower than epoll. */
final class NioTransport implements Transport {
  static final NioTransport INSTANCE = new NioTransport();
  private static final KeepAliveOptions KEEP_ALIVE = new KeepAliveOptions(
      NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE),
      NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL),
      NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT));

  private NioTransport() {}

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

  @Override
  public void keepAlive(Channel channel, TcpKeepAlive settings) {
    KEEP_ALIVE.apply(channel, settings);
  }
}
