package io.steelyard.tproxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Binds one Netty epoll TCP socket to an address that is not local and says what happened, to
 * show which socket option makes that possible. Args: the address, then {@code none}, {@code
 * IP_TRANSPARENT} (level SOL_IP, as {@link EpollChannelOption#IP_TRANSPARENT} sets it) or {@code
 * IPV6_TRANSPARENT} (level SOL_IPV6 = 41, option 75). Prints {@code bound ADDRESS
 * IP_TRANSPARENT=... IPV6_TRANSPARENT=...} (both read back from the socket) or {@code failed:
 * reason}. Sends nothing.
 */
public final class TransparentBindProbe {
  static final IntegerUnixChannelOption IPV6_TRANSPARENT =
      new IntegerUnixChannelOption("IPV6_TRANSPARENT", 41, 75);

  private TransparentBindProbe() {}

  public static void main(String[] args) throws Exception {
    InetAddress address = InetAddress.getByName(args[0]);
    MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    try {
      Bootstrap bootstrap =
          new Bootstrap().group(group).channel(EpollSocketChannel.class)
              .handler(new ChannelInboundHandlerAdapter());
      switch (args[1]) {
        case "none" -> { }
        case "IP_TRANSPARENT" -> bootstrap.option(EpollChannelOption.IP_TRANSPARENT, true);
        case "IPV6_TRANSPARENT" -> bootstrap.option(IPV6_TRANSPARENT, 1);
        default -> throw new IllegalArgumentException("none, IP_TRANSPARENT or IPV6_TRANSPARENT: " + args[1]);
      }
      ChannelFuture bound = bootstrap.bind(new InetSocketAddress(address, 0)).awaitUninterruptibly();
      if (!bound.isSuccess()) {
        System.out.println("failed: " + bound.cause().getMessage());
        return;
      }
      Channel channel = bound.channel();
      System.out.println("bound " + ((InetSocketAddress) channel.localAddress()).getAddress().getHostAddress()
          + " IP_TRANSPARENT=" + channel.config().getOption(EpollChannelOption.IP_TRANSPARENT)
          + " IPV6_TRANSPARENT=" + channel.config().getOption(IPV6_TRANSPARENT));
      channel.close().awaitUninterruptibly();
    } finally {
      group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
    }
  }
}
