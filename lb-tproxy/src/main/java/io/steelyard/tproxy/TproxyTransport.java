package io.steelyard.tproxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.steelyard.lb.forward.Source;
import io.steelyard.lb.forward.Transport;
import java.util.List;

/**
 * Epoll with {@code IP_TRANSPARENT}: listeners that accept connections to foreign addresses, and
 * connections to servers bound to the client's address ({@code IP_BIND_ADDRESS_NO_PORT} lets the
 * kernel choose the port at connect time, so many servers can share a client address).
 */
final class TproxyTransport implements Transport {
  private final RoutingRules rules;

  TproxyTransport(RoutingRules rules) {
    this.rules = rules;
  }

  @Override
  public String name() {
    return "tproxy";
  }

  @Override
  public IoHandlerFactory newIoHandlerFactory() {
    if (!Epoll.isAvailable()) {
      throw new IllegalStateException(
          "the TPROXY transport needs epoll (Linux with Netty's native library), which is not "
              + "available here: " + Epoll.unavailabilityCause(),
          Epoll.unavailabilityCause());
    }
    return EpollIoHandler.newFactory();
  }

  @Override
  public Class<? extends ServerChannel> serverChannelType() {
    return EpollServerSocketChannel.class;
  }

  @Override
  public Class<? extends Channel> channelType() {
    return EpollSocketChannel.class;
  }

  @Override
  public boolean transparent() {
    return true;
  }

  /**
   * Fails before anything is bound when epoll is missing, when the process lacks CAP_NET_ADMIN
   * (which {@code IP_TRANSPARENT} needs), or when the routing rules are expected but missing: a
   * transparent connection would then hang until its connect timeout, since the servers' replies
   * would never reach it.
   */
  @Override
  public void checkUsable(boolean transparentUse) {
    if (!Epoll.isAvailable()) {
      newIoHandlerFactory();
    }
    Capabilities.ofThisProcess()
        .require(Capabilities.CAP_NET_ADMIN, "CAP_NET_ADMIN", "transparent proxying (IP_TRANSPARENT)");
    if (rules != null) {
      List<String> missing = rules.missing();
      if (!missing.isEmpty()) {
        throw new IllegalStateException(
            "the TPROXY routing rules are not in place, so servers' replies to client addresses "
                + "would not reach the balancer; missing: " + String.join("; ", missing)
                + " (apply them with RoutingRules.apply(), or the launcher's option)");
      }
    }
  }

  @Override
  public void transparentListener(ServerBootstrap bootstrap) {
    bootstrap.option(EpollChannelOption.IP_TRANSPARENT, true);
  }

  @Override
  public void transparentOutbound(Bootstrap bootstrap, Source source) {
    bootstrap.option(EpollChannelOption.IP_TRANSPARENT, true);
    if (source.kind() == Source.Kind.CLIENT_IP) {
      bootstrap.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
    }
  }
}
