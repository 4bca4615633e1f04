package io.steelyard.lb.transport;

import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.NativeInetAddress;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A listening TCP socket on Netty's epoll event loop whose accepted connections are {@link
 * EdgeSocketChannel}s, each with its peer's address as {@code accept4} gave it. Level-triggered:
 * while reading is off (auto-read off, as the balancer's connection limits turn it) it asks for no
 * event, so that waiting clients stay in the kernel's accept queue.
 */
public final class EdgeServerSocketChannel extends EdgeChannel implements ServerChannel {
  private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);
  private final Config config = new Config();
  private final byte[] acceptedAddress = new byte[26];
  private boolean readPending;
  private boolean listening;

  /** Made by a {@code ServerBootstrap}. */
  public EdgeServerSocketChannel() {
    super(null, LinuxSocket.newSocketStream());
  }

  @Override
  public ChannelConfig config() {
    return config;
  }

  @Override
  public ChannelMetadata metadata() {
    return METADATA;
  }

  @Override
  protected @Nullable SocketAddress remoteAddress0() {
    return null;
  }

  @Override
  protected AbstractUnsafe newUnsafe() {
    return new AcceptUnsafe();
  }

  /** Nothing until reading is asked for: {@link #doBeginRead}. */
  @Override
  @Nullable EpollIoOps interestAtRegistration() {
    return null;
  }

  @Override
  protected void doBind(SocketAddress localAddress) throws Exception {
    socket.bind(localAddress);
    socket.listen(config.backlog);
    bound();
    active = true;
  }

  @Override
  protected void doDisconnect() {
    throw new UnsupportedOperationException("a listener does not disconnect");
  }

  @Override
  protected void doWrite(ChannelOutboundBuffer in) {
    throw new UnsupportedOperationException("a listener does not write");
  }

  @Override
  protected void doBeginRead() {
    readPending = true;
    listen(true);
  }

  /**
   * Asks for accepts, or stops asking; one {@code epoll_ctl} when that changes. On the event loop,
   * where auto-read may be turned off from another thread.
   */
  private void listen(boolean on) {
    if (isRegistered() && !eventLoop().inEventLoop()) {
      eventLoop().execute(() -> listen(readPending || config.isAutoRead()));
      return;
    }
    if (listening != on && registration != null && open) {
      listening = on;
      registration.submit(on ? EpollIoOps.EPOLLIN : EpollIoOps.EPOLLERR);
    }
  }

  private final class AcceptUnsafe extends AbstractUnsafe implements EpollIoHandle {

    @Override
    public FileDescriptor fd() {
      return socket;
    }

    @Override
    public void close() {
      close(voidPromise());
    }

    @Override
    public void connect(SocketAddress remote, SocketAddress local, ChannelPromise promise) {
      promise.setFailure(new UnsupportedOperationException("a listener does not connect"));
    }

    @Override
    public void handle(IoRegistration registration, IoEvent event) {
      if (!readPending && !config.isAutoRead()) {
        listen(false);
        return;
      }
      RecvByteBufAllocator.Handle handle = recvBufAllocHandle();
      handle.reset(config);
      ChannelPipeline pipeline = pipeline();
      Throwable failure = null;
      try {
        do {
          int fd = socket.accept(acceptedAddress);
          if (fd == -1) {
            break;
          }
          handle.lastBytesRead(fd);
          handle.incMessagesRead(1);
          readPending = false;
          pipeline.fireChannelRead(new EdgeSocketChannel(EdgeServerSocketChannel.this,
              new Socket(fd), NativeInetAddress.address(acceptedAddress, 1, acceptedAddress[0])));
        } while (handle.continueReading());
      } catch (IOException | ChannelException e) {
        failure = e;
      }
      handle.readComplete();
      pipeline.fireChannelReadComplete();
      if (failure != null) {
        pipeline.fireExceptionCaught(failure);
      }
      if (!readPending && !config.isAutoRead()) {
        listen(false);
      }
    }
  }

  /** Netty's options, the backlog, and the listening socket's own. */
  private final class Config extends DefaultChannelConfig {
    private volatile int backlog = 4096;

    Config() {
      super(EdgeServerSocketChannel.this);
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
      return getOptions(super.getOptions(), ChannelOption.SO_BACKLOG, ChannelOption.SO_REUSEADDR,
          EpollChannelOption.SO_REUSEPORT, ChannelOption.SO_RCVBUF);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(ChannelOption<T> option) {
      try {
        if (option == ChannelOption.SO_BACKLOG) {
          return (T) Integer.valueOf(backlog);
        } else if (option == ChannelOption.SO_REUSEADDR) {
          return (T) Boolean.valueOf(socket.isReuseAddress());
        } else if (option == EpollChannelOption.SO_REUSEPORT) {
          return (T) Boolean.valueOf(socket.isReusePort());
        } else if (option == ChannelOption.SO_RCVBUF) {
          return (T) Integer.valueOf(socket.getReceiveBufferSize());
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
        if (option == ChannelOption.SO_BACKLOG) {
          backlog = (Integer) value;
        } else if (option == ChannelOption.SO_REUSEADDR) {
          socket.setReuseAddress((Boolean) value);
        } else if (option == EpollChannelOption.SO_REUSEPORT) {
          socket.setReusePort((Boolean) value);
        } else if (option == ChannelOption.SO_RCVBUF) {
          socket.setReceiveBufferSize((Integer) value);
        } else {
          return super.setOption(option, value);
        }
      } catch (IOException e) {
        throw new ChannelException(e);
      }
      return true;
    }

    @Override
    protected void autoReadCleared() {
      listen(false);
    }
  }
}
