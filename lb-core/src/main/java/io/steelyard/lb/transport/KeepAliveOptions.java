package io.steelyard.lb.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.steelyard.lb.config.TcpKeepAlive;

/**
 * The names a family of channels gives the TCP keep-alive timings ({@code TCP_KEEPIDLE}, {@code
 * TCP_KEEPINTVL}, {@code TCP_KEEPCNT}), and how {@link TcpKeepAlive} settings are set with them.
 * Each transport keeps its own, so that none loads another's classes.
 */
record KeepAliveOptions(
    ChannelOption<Integer> idle, ChannelOption<Integer> interval, ChannelOption<Integer> count) {
  static final KeepAliveOptions EPOLL = new KeepAliveOptions(
      EpollChannelOption.TCP_KEEPIDLE, EpollChannelOption.TCP_KEEPINTVL,
      EpollChannelOption.TCP_KEEPCNT);

  /** Sets {@code SO_KEEPALIVE} on {@code channel}, and each timing that {@code settings} sets. */
  void apply(Channel channel, TcpKeepAlive settings) {
    ChannelConfig config = channel.config();
    config.setOption(ChannelOption.SO_KEEPALIVE, true);
    if (settings.idle() != null) {
      config.setOption(idle, Math.toIntExact(settings.idle().getSeconds()));
    }
    if (settings.interval() != null) {
      config.setOption(interval, Math.toIntExact(settings.interval().getSeconds()));
    }
    if (settings.count() > 0) {
      config.setOption(count, settings.count());
    }
  }
}
