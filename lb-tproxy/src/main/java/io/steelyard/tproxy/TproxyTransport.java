package io.steelyard.tproxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.DuplexChannel;
import io.steelyard.lb.transport.Source;
import io.steelyard.lb.transport.Splice;
import io.steelyard.lb.transport.Transport;
import io.steelyard.lb.transport.ZeroCopyRelay;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Epoll with {@code IP_TRANSPARENT}: listeners that accept connections to foreign addresses, and
 * connections to servers bound to the client's address ({@code IP_BIND_ADDRESS_NO_PORT} lets the
 * kernel choose the port at connect time, so many servers can share a client address), and, when
 * asked with {@link #splice(Splice)}, epoll's splice(2) relay. Obtained from {@link Tproxy};
 * immutable.
 */
public final class TproxyTransport implements Transport {
  private final @Nullable RoutingRules rules;
  private final @Nullable Splice splice;
  private final Transport epoll;

  TproxyTransport(@Nullable RoutingRules rules) {
    this(rules, null);
  }

  private TproxyTransport(@Nullable RoutingRules rules, @Nullable Splice splice) {
    this.rules = rules;
    this.splice = splice;
    this.epoll = splice == null ? Transport.epoll() : Transport.epoll(splice);
  }

  /**
   * This transport, relaying the given directions of every connection with splice(2), as {@link
   * Transport#epoll(Splice)} does. Without it, the transport copies, as HAProxy does by default.
   *
   * @throws IllegalStateException if splicing was already chosen for this transport
   */
  public TproxyTransport splice(Splice directions) {
    Objects.requireNonNull(directions, "directions");
    if (splice != null) {
      throw new IllegalStateException(
          "splice was already set to " + splice + ", cannot set it to " + directions);
    }
    return new TproxyTransport(rules, directions);
  }

  @Override
  public String name() {
    return "tproxy";
  }

  @Override
  public boolean available() {
    return epoll.available();
  }

  @Override
  public @Nullable Throwable unavailabilityCause() {
    return epoll.unavailabilityCause();
  }

  @Override
  public IoHandlerFactory newIoHandlerFactory() {
    if (!Epoll.isAvailable()) {
      throw new IllegalStateException(
          "the TPROXY transport needs epoll (Linux with Netty's native library), which is not "
              + "available here: " + Epoll.unavailabilityCause(),
          Epoll.unavailabilityCause());
    }
    return epoll.newIoHandlerFactory();
  }

  @Override
  public Class<? extends ServerChannel> serverChannelType() {
    return epoll.serverChannelType();
  }

  @Override
  public Class<? extends Channel> channelType() {
    return epoll.channelType();
  }

  /** As epoll's: a FIN goes once nothing, spliced or copied, is queued for the socket. */
  @Override
  public void sendFin(DuplexChannel channel) {
    epoll.sendFin(channel);
  }

  @Override
  public boolean shareListener(ServerBootstrap bootstrap) {
    return epoll.shareListener(bootstrap);
  }

  /** Epoll's splice relay when {@link #splice(Splice)} asked for it, otherwise {@code null}. */
  @Override
  public @Nullable ZeroCopyRelay zeroCopyRelay() {
    return epoll.zeroCopyRelay();
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
  public void transparentOutbound(Channel channel, Source source) {
    channel.config().setOption(EpollChannelOption.IP_TRANSPARENT, true);
    if (source.kind() == Source.Kind.CLIENT_IP) {
      channel.config().setOption(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
    }
  }
}
