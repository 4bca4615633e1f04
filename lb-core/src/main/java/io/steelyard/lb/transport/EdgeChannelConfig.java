package io.steelyard.lb.transport;

import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.epoll.EpollChannelOption;
import java.io.IOException;
import java.util.Map;

/**
 * The options of an {@link EdgeSocketChannel}: Netty's own, and the socket options a balancer sets
 * ({@code TCP_NODELAY}, on by default as in Netty's epoll, {@code SO_LINGER}, {@code SO_KEEPALIVE}
 * and its timings under Netty's epoll names, buffer sizes, {@code SO_REUSEADDR}), each read from
 * or written to the socket when asked.
 */
final class EdgeChannelConfig extends DefaultChannelConfig {
  private static final int IPPROTO_TCP = 6;
  private static final int TCP_KEEPIDLE = 4;
  private static final int TCP_KEEPINTVL = 5;
  private static final int TCP_KEEPCNT = 6;
  private final EdgeSocketChannel channel;
  private volatile boolean allowHalfClosure;

  EdgeChannelConfig(EdgeSocketChannel channel) {
    super(channel);
    this.channel = channel;
    setOption(ChannelOption.TCP_NODELAY, true);
  }

  @Override
  public Map<ChannelOption<?>, Object> getOptions() {
    return getOptions(super.getOptions(), ChannelOption.ALLOW_HALF_CLOSURE,
        ChannelOption.TCP_NODELAY, ChannelOption.SO_LINGER, ChannelOption.SO_KEEPALIVE,
        ChannelOption.SO_RCVBUF, ChannelOption.SO_SNDBUF, ChannelOption.SO_REUSEADDR,
        EpollChannelOption.TCP_KEEPIDLE, EpollChannelOption.TCP_KEEPINTVL,
        EpollChannelOption.TCP_KEEPCNT);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T getOption(ChannelOption<T> option) {
    try {
      if (option == ChannelOption.ALLOW_HALF_CLOSURE) {
        return (T) Boolean.valueOf(allowHalfClosure);
      } else if (option == ChannelOption.TCP_NODELAY) {
        return (T) Boolean.valueOf(channel.socket.isTcpNoDelay());
      } else if (option == ChannelOption.SO_LINGER) {
        return (T) Integer.valueOf(channel.socket.getSoLinger());
      } else if (option == ChannelOption.SO_KEEPALIVE) {
        return (T) Boolean.valueOf(channel.socket.isKeepAlive());
      } else if (option == ChannelOption.SO_RCVBUF) {
        return (T) Integer.valueOf(channel.socket.getReceiveBufferSize());
      } else if (option == ChannelOption.SO_SNDBUF) {
        return (T) Integer.valueOf(channel.socket.getSendBufferSize());
      } else if (option == ChannelOption.SO_REUSEADDR) {
        return (T) Boolean.valueOf(channel.socket.isReuseAddress());
      } else if (option == EpollChannelOption.TCP_KEEPIDLE) {
        return (T) Integer.valueOf(channel.socket.getIntOpt(IPPROTO_TCP, TCP_KEEPIDLE));
      } else if (option == EpollChannelOption.TCP_KEEPINTVL) {
        return (T) Integer.valueOf(channel.socket.getIntOpt(IPPROTO_TCP, TCP_KEEPINTVL));
      } else if (option == EpollChannelOption.TCP_KEEPCNT) {
        return (T) Integer.valueOf(channel.socket.getIntOpt(IPPROTO_TCP, TCP_KEEPCNT));
      }
    } catch (IOException e) {
      throw new ChannelException(e);
    }
    return super.getOption(option);
  }

  @Override
  public <T> boolean setOption(ChannelOption<T> option, T value) {
    validate(option, value);
    try {
      if (option == ChannelOption.ALLOW_HALF_CLOSURE) {
        allowHalfClosure = (Boolean) value;
      } else if (option == ChannelOption.TCP_NODELAY) {
        channel.socket.setTcpNoDelay((Boolean) value);
      } else if (option == ChannelOption.SO_LINGER) {
        channel.socket.setSoLinger((Integer) value);
      } else if (option == ChannelOption.SO_KEEPALIVE) {
        channel.socket.setKeepAlive((Boolean) value);
      } else if (option == ChannelOption.SO_RCVBUF) {
        channel.socket.setReceiveBufferSize((Integer) value);
      } else if (option == ChannelOption.SO_SNDBUF) {
        channel.socket.setSendBufferSize((Integer) value);
      } else if (option == ChannelOption.SO_REUSEADDR) {
        channel.socket.setReuseAddress((Boolean) value);
      } else if (option == EpollChannelOption.TCP_KEEPIDLE) {
        channel.socket.setIntOpt(IPPROTO_TCP, TCP_KEEPIDLE, (Integer) value);
      } else if (option == EpollChannelOption.TCP_KEEPINTVL) {
        channel.socket.setIntOpt(IPPROTO_TCP, TCP_KEEPINTVL, (Integer) value);
      } else if (option == EpollChannelOption.TCP_KEEPCNT) {
        channel.socket.setIntOpt(IPPROTO_TCP, TCP_KEEPCNT, (Integer) value);
      } else {
        return super.setOption(option, value);
      }
    } catch (IOException e) {
      throw new ChannelException(e);
    }
    return true;
  }

  /** Whether the end of input half-closes the channel rather than closing it. */
  boolean isAllowHalfClosure() {
    return allowHalfClosure;
  }
}
