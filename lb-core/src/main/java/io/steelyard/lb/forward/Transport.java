package io.steelyard.lb.forward;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;

/**
 * The sockets a balancer runs on: which Netty I/O handler and channel types it uses. Core ships
 * {@link #epoll()} and {@link #nio()}; other modules (TPROXY) provide their own.
 */
public interface Transport {

  /** A short name for logs, such as {@code epoll}. */
  String name();

  /** A factory for the I/O handler of each event loop. */
  IoHandlerFactory newIoHandlerFactory();

  /** The type of listening channels. */
  Class<? extends ServerChannel> serverChannelType();

  /** The type of connected channels, inbound and outbound. */
  Class<? extends Channel> channelType();

  /**
   * Epoll when this machine has it (Linux with Netty's native library), NIO otherwise; when it
   * falls back, the log says why epoll is unavailable.
   */
  static Transport auto() {
    return Epoll.isAvailable() ? epoll() : NioTransport.afterEpollUnavailable();
  }

  /** Netty's native epoll transport (Linux only). */
  static Transport epoll() {
    return EpollTransport.INSTANCE;
  }

  /** The JDK's NIO transport, available everywhere. */
  static Transport nio() {
    return NioTransport.INSTANCE;
  }
}
