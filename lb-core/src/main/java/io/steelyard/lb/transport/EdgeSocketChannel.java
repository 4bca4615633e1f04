package io.steelyard.lb.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A TCP connection on Netty's epoll event loop, registered once, edge-triggered, for input, output
 * and the peer's FIN, and never modified: the {@link EdgeTransport}'s channel.
 *
 * <p>What it leaves out of Netty's {@code EpollSocketChannel}, each a system call per connection or
 * more: interest changes ({@code epoll_ctl MOD} for reading, writing, connecting and the end of
 * input); the deletion before close (closing the descriptor first removes it from the set);
 * addresses read at accept and connect (the accepted peer's address comes with {@code accept4}, the
 * rest is read when asked); the send buffer's size at creation and {@code SO_LINGER} at close;
 * {@code shutdown(SHUT_RD)} at the end of input.
 *
 * <p>Edge-triggered means each event is told once: the channel remembers that input may be
 * waiting ({@link #inputWaiting}) until a read comes back short or empty, and reads on its own
 * when reading is asked for again ({@link #doBeginRead}). A read shorter than its buffer has
 * drained the socket: the next bytes, or the FIN, bring another event. Once {@code EPOLLRDHUP} has
 * been told, the read that drains the socket ends the input, without a read that returns 0.
 */
public final class EdgeSocketChannel extends EdgeChannel implements DuplexChannel {
  private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);
  private static final EpollIoOps INTEREST = EpollIoOps.EPOLLIN
      .with(EpollIoOps.EPOLLOUT).with(EpollIoOps.EPOLLRDHUP).with(EpollIoOps.EPOLLET);
  private static final int INPUT_EVENTS =
      EpollIoOps.EPOLLIN.value() | EpollIoOps.EPOLLRDHUP.value() | EpollIoOps.EPOLLERR.value();
  private static final int CONNECT_EVENTS =
      EpollIoOps.EPOLLOUT.value() | EpollIoOps.EPOLLERR.value() | EpollIoOps.EPOLLRDHUP.value();

  private final EdgeChannelConfig config;
  private final Runnable readTask = this::readFromTask;
  private volatile boolean inputShutdown;
  private volatile boolean outputShutdown;
  private volatile @Nullable InetSocketAddress remote;
  private @Nullable ChannelPromise connectPromise;
  /** Where the pending connect goes, for its failure's message (a reset socket has no peer). */
  private @Nullable SocketAddress connectingTo;
  private io.netty.util.concurrent.@Nullable Future<?> connectTimeout;
  /** Input, or its end, may be waiting in the socket: no read has drained it since an event. */
  private boolean inputWaiting;
  /** {@code EPOLLRDHUP} has been told: the peer's FIN is in, behind what is still waiting. */
  private boolean finIn;
  private boolean readPending;
  private boolean readScheduled;
  /** The socket took less than was written: the rest waits for {@code EPOLLOUT}. */
  private boolean writeWaiting;

  /** A connection to be made, by {@code connect}; made by the transport's bootstraps. */
  public EdgeSocketChannel() {
    this(null, LinuxSocket.newSocketStream(), null);
  }

  /** A connection accepted by {@code parent}, from {@code remote}. */
  EdgeSocketChannel(@Nullable Channel parent, Socket socket, @Nullable InetSocketAddress remote) {
    super(parent, socket);
    this.config = new EdgeChannelConfig(this);
    this.remote = remote;
    this.active = remote != null;
  }

  @Override
  public EdgeChannelConfig config() {
    return config;
  }

  @Override
  public ChannelMetadata metadata() {
    return METADATA;
  }

  @Override
  public @Nullable InetSocketAddress remoteAddress() {
    return (InetSocketAddress) super.remoteAddress();
  }

  @Override
  protected @Nullable SocketAddress remoteAddress0() {
    InetSocketAddress address = remote;
    if (address == null && active) {
      address = socket.remoteAddress();
      remote = address;
    }
    return address;
  }

  @Override
  protected AbstractUnsafe newUnsafe() {
    return new EdgeUnsafe();
  }

  /** Every event at once; nothing changes it until the socket closes. */
  @Override
  EpollIoOps interestAtRegistration() {
    return INTEREST;
  }

  @Override
  protected void doBind(SocketAddress localAddress) throws Exception {
    socket.bind(localAddress);
    bound();
  }

  @Override
  protected void doDisconnect() throws Exception {
    doClose();
  }

  @Override
  protected void doClose() throws Exception {
    ChannelPromise promise = connectPromise;
    if (promise != null) {
      promise.tryFailure(new ClosedChannelException());
      connectPromise = null;
    }
    if (connectTimeout != null) {
      connectTimeout.cancel(false);
      connectTimeout = null;
    }
    super.doClose();
  }

  @Override
  protected void doBeginRead() {
    readPending = true;
    if (inputWaiting) {
      scheduleRead();
    }
  }

  private void scheduleRead() {
    if (!readScheduled) {
      readScheduled = true;
      eventLoop().execute(readTask);
    }
  }

  private void readFromTask() {
    readScheduled = false;
    if (readPending || config.isAutoRead()) {
      read0();
    }
  }

  /**
   * Reads until the socket is drained, the allocator handle says stop, or reading is no longer
   * wanted; a socket left undrained is read again from a task while reading is wanted.
   */
  private void read0() {
    if (!inputWaiting || inputShutdown || !active) {
      return;
    }
    RecvByteBufAllocator.Handle handle = unsafe().recvBufAllocHandle();
    handle.reset(config);
    ChannelPipeline pipeline = pipeline();
    ByteBufAllocator allocator = config.getAllocator();
    boolean ended = false;
    try {
      do {
        ByteBuf buffer = handle.allocate(allocator);
        int room = buffer.writableBytes();
        handle.attemptedBytesRead(room);
        int read;
        try {
          read = receive(buffer);
        } catch (Throwable t) {
          buffer.release();
          throw t;
        }
        if (read <= 0) {
          buffer.release();
          inputWaiting = false;
          ended = read < 0;
          break;
        }
        buffer.writerIndex(buffer.writerIndex() + read);
        handle.lastBytesRead(read);
        handle.incMessagesRead(1);
        readPending = false;
        pipeline.fireChannelRead(buffer);
        if (read < room) {
          inputWaiting = finIn;
          ended = finIn;
          break;
        }
      } while (handle.continueReading() && active && !inputShutdown);
      handle.readComplete();
      pipeline.fireChannelReadComplete();
    } catch (Throwable t) {
      handle.readComplete();
      pipeline.fireChannelReadComplete();
      pipeline.fireExceptionCaught(t);
      unsafe().close(unsafe().voidPromise());
      return;
    }
    if (ended) {
      inputEnded();
    } else if (inputWaiting && (readPending || config.isAutoRead())) {
      scheduleRead();
    }
  }

  private int receive(ByteBuf buffer) throws IOException {
    if (buffer.hasMemoryAddress()) {
      return socket.recvAddress(buffer.memoryAddress(), buffer.writerIndex(), buffer.capacity());
    }
    ByteBuffer nio = buffer.internalNioBuffer(buffer.writerIndex(), buffer.writableBytes());
    return socket.recv(nio, nio.position(), nio.limit());
  }

  /** The peer's FIN: half-closed, as HAProxy keeps it, when allowed; closed otherwise. */
  private void inputEnded() {
    inputWaiting = false;
    if (inputShutdown) {
      return;
    }
    if (!config.isAllowHalfClosure()) {
      unsafe().close(unsafe().voidPromise());
      return;
    }
    inputShutdown = true;
    pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    pipeline().fireUserEventTriggered(ChannelInputShutdownReadComplete.INSTANCE);
  }

  @Override
  protected Object filterOutboundMessage(Object msg) {
    if (!(msg instanceof ByteBuf buffer)) {
      throw new UnsupportedOperationException(
          "unsupported message type: " + msg.getClass().getName() + " (expected: ByteBuf)");
    }
    if (buffer.hasMemoryAddress() || buffer.isDirect() && buffer.nioBufferCount() == 1) {
      return buffer;
    }
    ByteBuf direct = alloc().directBuffer(buffer.readableBytes());
    direct.writeBytes(buffer, buffer.readerIndex(), buffer.readableBytes());
    buffer.release();
    return direct;
  }

  /** Writes what the socket takes; what it does not waits for {@code EPOLLOUT}. */
  @Override
  protected void doWrite(ChannelOutboundBuffer in) throws Exception {
    while (true) {
      ByteBuf buffer = (ByteBuf) in.current();
      if (buffer == null) {
        return;
      }
      int length = buffer.readableBytes();
      if (length == 0) {
        in.remove();
        continue;
      }
      int written;
      if (buffer.hasMemoryAddress()) {
        written = socket.sendAddress(
            buffer.memoryAddress(), buffer.readerIndex(), buffer.writerIndex());
      } else {
        ByteBuffer nio = buffer.internalNioBuffer(buffer.readerIndex(), length);
        written = socket.send(nio, nio.position(), nio.limit());
      }
      if (written > 0) {
        in.removeBytes(written);
      }
      if (written < length) {
        writeWaiting = true;
        return;
      }
    }
  }

  @Override
  public boolean isInputShutdown() {
    return inputShutdown;
  }

  @Override
  public boolean isOutputShutdown() {
    return outputShutdown;
  }

  @Override
  public boolean isShutdown() {
    return inputShutdown && outputShutdown || !open;
  }

  @Override
  public ChannelFuture shutdownOutput() {
    return shutdownOutput(newPromise());
  }

  /**
   * Sends a FIN at once, {@code shutdown(SHUT_WR)}, without waiting for writes still queued in the
   * channel: the balancer sends it only once nothing is queued for the socket.
   */
  @Override
  public ChannelFuture shutdownOutput(ChannelPromise promise) {
    return onLoop(promise, () -> {
      socket.shutdown(false, true);
      outputShutdown = true;
    });
  }

  @Override
  public ChannelFuture shutdownInput() {
    return shutdownInput(newPromise());
  }

  @Override
  public ChannelFuture shutdownInput(ChannelPromise promise) {
    return onLoop(promise, () -> {
      socket.shutdown(true, false);
      inputShutdown = true;
    });
  }

  @Override
  public ChannelFuture shutdown() {
    return shutdown(newPromise());
  }

  @Override
  public ChannelFuture shutdown(ChannelPromise promise) {
    return onLoop(promise, () -> {
      socket.shutdown(true, true);
      inputShutdown = true;
      outputShutdown = true;
    });
  }

  private interface SocketCall {
    void run() throws IOException;
  }

  private ChannelFuture onLoop(ChannelPromise promise, SocketCall call) {
    EventLoop loop = eventLoop();
    if (!loop.inEventLoop()) {
      loop.execute(() -> onLoop(promise, call));
      return promise;
    }
    try {
      call.run();
      promise.setSuccess();
    } catch (Throwable t) {
      promise.setFailure(t);
    }
    return promise;
  }

  /** The socket's side of Netty's channel: connect, and the events of the epoll set. */
  private final class EdgeUnsafe extends AbstractUnsafe implements EpollIoHandle {

    @Override
    public FileDescriptor fd() {
      return socket;
    }

    @Override
    public void close() {
      close(voidPromise());
    }

    @Override
    public void handle(IoRegistration registration, IoEvent event) {
      int ops = ((EpollIoEvent) event).ops().value();
      if (!open) {
        return;
      }
      ChannelPromise connecting = connectPromise;
      if (connecting != null) {
        if ((ops & CONNECT_EVENTS) == 0) {
          return;
        }
        finishConnect(connecting);
        if (!active) {
          return;
        }
      }
      if ((ops & EpollIoOps.EPOLLRDHUP.value()) != 0) {
        finIn = true;
      }
      if ((ops & EpollIoOps.EPOLLOUT.value()) != 0 && writeWaiting) {
        writeWaiting = false;
        super.flush0();
      }
      if ((ops & INPUT_EVENTS) != 0 && open) {
        inputWaiting = true;
        if (readPending || config.isAutoRead()) {
          read0();
        }
      }
    }

    /** While the socket has not taken what came before, a flush waits for {@code EPOLLOUT}. */
    @Override
    protected void flush0() {
      if (!writeWaiting) {
        super.flush0();
      }
    }

    @Override
    public void connect(
        SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
      if (!promise.setUncancellable() || !ensureOpen(promise)) {
        return;
      }
      if (connectPromise != null) {
        promise.setFailure(new ConnectionPendingException());
        return;
      }
      try {
        if (localAddress != null) {
          socket.bind(localAddress);
        }
        if (socket.connect(remoteAddress)) {
          connected(promise);
          return;
        }
        connectPromise = promise;
        connectingTo = remoteAddress;
        int timeoutMillis = config.getConnectTimeoutMillis();
        if (timeoutMillis > 0) {
          connectTimeout = eventLoop().schedule(() -> {
            ChannelPromise pending = connectPromise;
            if (pending != null && pending.tryFailure(new ConnectTimeoutException(
                "connection timed out after " + timeoutMillis + " ms: " + remoteAddress))) {
              close(voidPromise());
            }
          }, timeoutMillis, TimeUnit.MILLISECONDS);
        }
      } catch (Throwable t) {
        promise.tryFailure(annotateConnectException(t, remoteAddress));
        closeIfClosed();
      }
    }

    private void finishConnect(ChannelPromise promise) {
      try {
        if (!socket.finishConnect()) {
          return; // still in progress: another EPOLLOUT will come
        }
        connectPromise = null;
        connected(promise);
      } catch (Throwable t) {
        connectPromise = null;
        promise.tryFailure(annotateConnectException(t, connectingTo));
        close(voidPromise());
      } finally {
        if (connectPromise == null && connectTimeout != null) {
          connectTimeout.cancel(false);
          connectTimeout = null;
        }
      }
    }

    private void connected(ChannelPromise promise) {
      active = true;
      boolean taken = promise.trySuccess();
      pipeline().fireChannelActive();
      if (!taken) {
        close(voidPromise());
      }
    }
  }
}
