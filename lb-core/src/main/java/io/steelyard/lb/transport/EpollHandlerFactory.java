package io.steelyard.lb.transport;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * Netty's epoll I/O handler, with each channel's registration kept in the epoll set for as long as
 * the channel is registered.
 *
 * <p>Netty 4.2.18's registration removes a file descriptor from the epoll set ({@code
 * EPOLL_CTL_DEL}) when the channel asks for no event at all, but still believes it is there: the
 * next interest (reading again, or waiting to write) is an {@code EPOLL_CTL_MOD} that fails with
 * ENOENT, and the channel closes. The set only becomes empty once {@code EPOLLRDHUP} has fired and
 * been cleared, that is after the peer's FIN: a connection half-closed by its client then dies as
 * soon as the server's answer outruns the client's socket buffer, and a spliced source cannot
 * pause and resume. Here an empty interest set is submitted as {@code EPOLLERR} alone, which asks
 * for nothing more (epoll always reports errors and hang-ups) but keeps the descriptor in the set,
 * as Netty did before.
 *
 * <p>The deletion came with <a href="https://github.com/netty/netty/pull/16689">netty/netty#16689</a>
 * (for <a href="https://github.com/netty/netty/issues/16683">#16683</a>, a wake-up loop on an
 * empty mask), in 4.2 only. This class can go once a Netty release adds a deleted descriptor back
 * on its next interest: no release up to 4.2.18 does. To check an upgrade, run the relay suite
 * with Netty's own factory in {@link EpollTransport}; the client half-close cases fail while the
 * bug is there.
 */
final class EpollHandlerFactory implements IoHandlerFactory {
  private final IoHandlerFactory epoll;

  private EpollHandlerFactory(IoHandlerFactory epoll) {
    this.epoll = epoll;
  }

  /** A factory of epoll handlers; fails, as Netty's does, when epoll is not available. */
  static IoHandlerFactory newFactory() {
    return new EpollHandlerFactory(EpollIoHandler.newFactory());
  }

  @Override
  public IoHandler newHandler(ThreadAwareExecutor executor) {
    return new KeepingHandler(epoll.newHandler(executor));
  }

  @Override
  public boolean isChangingThreadSupported() {
    return epoll.isChangingThreadSupported();
  }

  /** Epoll's handler, whose registrations never submit an empty interest set. */
  private static final class KeepingHandler implements IoHandler {
    private final IoHandler handler;

    KeepingHandler(IoHandler handler) {
      this.handler = handler;
    }

    @Override
    public void initialize() {
      handler.initialize();
    }

    @Override
    public int run(IoHandlerContext context) {
      return handler.run(context);
    }

    @Override
    public void prepareToDestroy() {
      handler.prepareToDestroy();
    }

    @Override
    public void destroy() {
      handler.destroy();
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
      return new KeptRegistration(handler.register(handle));
    }

    @Override
    public void wakeup() {
      handler.wakeup();
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
      return handler.isCompatible(handleType);
    }
  }

  private static final class KeptRegistration implements IoRegistration {
    private final IoRegistration registration;

    KeptRegistration(IoRegistration registration) {
      this.registration = registration;
    }

    @Override
    public <T> T attachment() {
      return registration.attachment();
    }

    @Override
    public long submit(IoOps ops) {
      boolean none = ((EpollIoOps) ops).value() == EpollIoOps.NONE.value();
      return registration.submit(none ? EpollIoOps.EPOLLERR : ops);
    }

    @Override
    public boolean isValid() {
      return registration.isValid();
    }

    @Override
    public boolean cancel() {
      return registration.cancel();
    }
  }
}
