package io.steelyard.lb.transport;

import io.netty.channel.AbstractChannel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.Socket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * What the edge channels share: a socket on Netty's epoll event loop, registered through its public
 * {@code IoHandle} API, its local address read only when asked, and a close that removes the
 * socket from the epoll set by closing it and forgets the registration at once.
 */
abstract class EdgeChannel extends AbstractChannel {
  final Socket socket;
  @Nullable IoRegistration registration;
  volatile boolean open = true;
  volatile boolean active;
  private volatile @Nullable InetSocketAddress local;

  EdgeChannel(@Nullable Channel parent, Socket socket) {
    super(parent);
    this.socket = socket;
  }

  /** What to ask the epoll set for once registered, or {@code null} for nothing yet. */
  abstract @Nullable EpollIoOps interestAtRegistration();

  @Override
  public final boolean isOpen() {
    return open;
  }

  @Override
  public final boolean isActive() {
    return active;
  }

  @Override
  public @Nullable InetSocketAddress localAddress() {
    return (InetSocketAddress) super.localAddress();
  }

  @Override
  protected final @Nullable SocketAddress localAddress0() {
    InetSocketAddress address = local;
    if (address == null && open) {
      address = socket.localAddress();
      local = address;
    }
    return address;
  }

  /** Forgets the local address, for a bind to read it afresh. */
  final void bound() {
    local = null;
  }

  @Override
  protected final boolean isCompatible(EventLoop loop) {
    return loop instanceof IoEventLoop io && io.isCompatible(EpollIoHandle.class);
  }

  @Override
  protected final void doRegister(ChannelPromise promise) {
    ((IoEventLoop) eventLoop()).register((EpollIoHandle) unsafe()).addListener(f -> {
      if (!f.isSuccess()) {
        promise.setFailure(f.cause());
        return;
      }
      registration = (IoRegistration) f.getNow();
      EpollIoOps interest = interestAtRegistration();
      try {
        if (interest != null) {
          registration.submit(interest);
        }
      } catch (RuntimeException e) {
        promise.setFailure(e);
        return;
      }
      promise.setSuccess(); // what already waits is told by the first event: ADD polls
    });
  }

  /**
   * Cancels the registration, which deletes nothing from the epoll set once the descriptor is
   * closed. {@link #doClose} calls it at once after closing, so that the event loop forgets the
   * descriptor before a new socket can take its number.
   */
  @Override
  protected final void doDeregister() {
    IoRegistration registration = this.registration;
    if (registration != null) {
      this.registration = null;
      registration.cancel();
    }
  }

  @Override
  protected void doClose() throws Exception {
    active = false;
    open = false;
    socket.close();
    doDeregister();
  }
}
