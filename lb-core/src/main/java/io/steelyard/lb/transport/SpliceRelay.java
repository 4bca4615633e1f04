package io.steelyard.lb.transport;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.unix.Errors;
import io.netty.util.UncheckedBooleanSupplier;
import java.nio.channels.ClosedChannelException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The splice(2) relay: moves a session's bytes from one socket to the other through a kernel pipe
 * with Netty epoll's {@code AbstractEpollStreamChannel.spliceTo}, so that they never enter the JVM.
 * Upstream Netty has deprecated {@code spliceTo}; this is the only class that calls it, so
 * replacing it means replacing this class.
 *
 * <p>How {@code source.spliceTo(target, len)} behaves in Netty 4.2.18, which shapes everything
 * here:
 *
 * <ul>
 *   <li>It queues a task on the source. While the task is queued, each read of the source (when
 *       auto-read is on, or after {@code read()}) splices up to its allocator handle's {@code
 *       guess()} bytes into a pipe owned by the target, and queues on the target's outbound
 *       buffer a write of that many bytes out of the pipe, in order with ordinary writes. The
 *       source's pipeline sees no {@code channelRead}, only {@code channelReadComplete}; the only
 *       trace of the byte count is the handle's {@code lastBytesRead}, once per splice call.
 *   <li>Both channels must share an event loop. It needs level-triggered epoll, which is the only
 *       mode Netty 4.2 has.
 *   <li>Its future succeeds once {@code len} bytes were spliced and written out; with {@link
 *       Integer#MAX_VALUE} ("for ever") never. It fails when splicing or writing fails, and with
 *       {@link ClosedChannelException} when either channel closes. A queued task cannot be
 *       withdrawn: it stays until it has moved {@code len} bytes or failed.
 *   <li>When the target cannot take a batch at once, Netty turns the source's auto-read off, and
 *       on again once that batch is written: splicing has its own flow control. (After the peer's
 *       FIN, turning reading off and on again needs the epoll transport's workaround of a Netty
 *       bug, {@link EpollHandlerFactory}.)
 *   <li>A splice returns 0 both when nothing is waiting and at the end of input, so Netty learns
 *       of the end only from {@code EPOLLRDHUP}: it then shuts the source's input down ({@code
 *       SHUT_RD}, after which Linux still hands out what is queued) and fires {@link
 *       ChannelInputShutdownEvent} at once, possibly with megabytes still queued in the socket;
 *       the future stays pending. Since the socket then stays readable, a source left on
 *       auto-read spins on empty reads for as long as the task is queued.
 * </ul>
 *
 * <p>So each direction gets one task of {@link Integer#MAX_VALUE} bytes for its whole life. Bounded
 * chunks would not help: the last chunk still hangs half-filled at the end of input, and bytes
 * would go the pipeline's way between two chunks. Bytes are counted from the allocator handle,
 * which {@link #prepare} wraps around each channel's own before it first reads: every splice call
 * reports its bytes there, and the end of each read reports the read's total to the session,
 * which counts it and restarts its inactivity timers. The end of input is held back until the
 * source is drained: after the early event the relay stops the source's auto-read and repeats
 * "let the target write everything queued, so the pipe is empty; then read once" until such a read
 * moves nothing, which, with the input shut down and the pipe empty, means the socket is empty
 * too; only then does the session see {@link ChannelInputShutdownEvent}.
 *
 * <p>A splice that fails before it moved a byte because the kernel is short of files or memory (no
 * pipe can be made) gives the direction back to the session, which copies it. Any other failure
 * is the connection's: a failure to write to the target reaches the session as an exception on
 * the target's pipeline, anything else on the source's, as a read or write error would when
 * copying, so that a reset stays a reset. (Copying after such a failure would be wrong: the splice
 * has consumed the socket's error, and the next read would report a plain end of input.)
 */
final class SpliceRelay implements ZeroCopyRelay {
  private static final Logger log = LoggerFactory.getLogger(SpliceRelay.class);
  /** The most one read of a source moves: what a pipe holds by default on Linux. */
  private static final int BATCH = 64 * 1024;
  private static final int ENOMEM = 12;
  private static final int ENFILE = 23;
  private static final int EMFILE = 24;

  private final Splice directions;

  SpliceRelay(Splice directions) {
    this.directions = directions;
  }

  Splice directions() {
    return directions;
  }

  @Override
  public boolean afterAFullRead() {
    return directions == Splice.AUTO;
  }

  /**
   * A pipe (two descriptors) for each direction spliced; for {@link Splice#AUTO}, whose short
   * exchanges never splice, one per session on average: a pipe each way for a quarter of them,
   * HAProxy's default {@code maxpipes}. Past that a splice that cannot make its pipe copies.
   */
  @Override
  public int descriptorsPerSession() {
    return directions == Splice.AUTO ? 1 : 4;
  }

  /** Wraps the channel's allocator handle in one that reports spliced bytes. */
  @Override
  public void prepare(Channel channel) {
    if (channel instanceof AbstractEpollStreamChannel) {
      ChannelConfig config = channel.config();
      config.setRecvByteBufAllocator(new Metered(config.getRecvByteBufAllocator()));
    }
  }

  /** Deprecated upstream, {@code spliceTo} is what this class is for (see above). */
  @Override
  @SuppressWarnings("deprecation")
  public boolean relay(Channel from, Channel to, boolean fromClient, Listener listener) {
    if (!(fromClient ? directions.request() : directions.response())
        || !(from instanceof AbstractEpollStreamChannel source)
        || !(to instanceof AbstractEpollStreamChannel target)
        || !(from.config().getRecvByteBufAllocator() instanceof Metered metered)
        || from.eventLoop() != to.eventLoop()
        || !from.isActive()
        || !to.isActive()) {
      return false;
    }
    Direction direction = new Direction(source, target, listener);
    source.pipeline().addFirst(direction);
    metered.direction = direction;
    source.spliceTo(target, Integer.MAX_VALUE).addListener(direction);
    source.config().setAutoRead(true);
    return true;
  }

  private enum State {
    /** Moving bytes as they come. */
    SPLICING,
    /** The peer's FIN was seen; emptying the socket before the session hears of the end. */
    DRAINING,
    /** Every byte is queued on the target and the session was told of the end of input. */
    ENDED,
    /** The splice failed: the session copies, or ends. */
    STOPPED
  }

  /**
   * One spliced direction: sits first in the source's pipeline to hold back the end of input
   * until the source is drained, and hears of the splice's failure.
   */
  private static final class Direction extends ChannelInboundHandlerAdapter
      implements ChannelFutureListener {
    private final AbstractEpollStreamChannel source;
    private final AbstractEpollStreamChannel target;
    private final Listener listener;
    private @Nullable ChannelHandlerContext context;
    private State state = State.SPLICING;
    /** Bytes spliced so far, those of the read under way included. */
    private long moved;
    /** Bytes spliced by the read under way. */
    private int reading;
    /** {@link #moved} when the target had last written everything queued: its pipe was empty. */
    private long written = -1;
    private boolean flushing;
    /** Whether the session has yet to hear of an end of input that was held back. */
    private boolean endHeld;

    Direction(AbstractEpollStreamChannel source, AbstractEpollStreamChannel target, Listener listener) {
      this.source = source;
      this.target = target;
      this.listener = listener;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      context = ctx;
    }

    /** One splice call of the read under way moved {@code bytes}. */
    void spliced(int bytes) {
      reading += bytes;
      moved += bytes;
    }

    /** A read of the source ended: report what it spliced, and go on draining if need be. */
    void readEnded() {
      int bytes = reading;
      reading = 0;
      if (bytes > 0) {
        listener.moved(bytes);
      }
      if (state == State.DRAINING) {
        drain(bytes);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event == ChannelInputShutdownEvent.INSTANCE && state == State.SPLICING) {
        state = State.DRAINING;
        endHeld = true;
        source.config().setAutoRead(false);
        flushThenProbe();
        return;
      }
      if (event == ChannelInputShutdownReadComplete.INSTANCE && endHeld) {
        // The splice failed while draining and the session copied the rest to the end.
        endHeld = false;
        ctx.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
      }
      ctx.fireUserEventTriggered(event);
    }

    /**
     * After a read while draining (with reading kept off, so that the socket's lasting readiness
     * at its end does not spin the event loop): the source is empty when a read moved nothing
     * although the target's pipe was empty before it (a full pipe also makes a splice return 0).
     */
    private void drain(int bytes) {
      source.config().setAutoRead(false);
      if (bytes == 0 && written == moved) {
        state = State.ENDED;
        endHeld = false;
        requireNonNull(context, "spliced before the relay was added")
            .fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
      } else {
        flushThenProbe();
      }
    }

    /**
     * Waits until the target has written everything queued on it, which empties the pipe, then
     * reads the source once more. The read is asked for from a task of its own: the write may
     * complete inside a read of the source, whose end would cancel a read asked for then.
     */
    private void flushThenProbe() {
      if (flushing) {
        return;
      }
      flushing = true;
      long mark = moved;
      target
          .writeAndFlush(Unpooled.EMPTY_BUFFER)
          .addListener(
              (ChannelFutureListener)
                  flushed -> {
                    flushing = false;
                    if (flushed.isSuccess() && state == State.DRAINING) {
                      written = mark;
                      source.eventLoop().execute(source::read);
                    }
                  });
    }

    /**
     * The splice failed (a task of {@link Integer#MAX_VALUE} bytes never succeeds). Writing to the
     * target failed when the target is closed; otherwise the failure is the source's own (a
     * splice consumes the socket's error, so a later read would see a plain end of input where
     * there was a reset) unless no pipe could be made.
     */
    @Override
    public void operationComplete(ChannelFuture future) {
      state = State.STOPPED;
      Throwable cause = future.cause();
      if (cause instanceof ClosedChannelException) {
        return;
      }
      if (!target.isActive()) {
        target.pipeline().fireExceptionCaught(cause);
      } else if (moved == 0 && isShortOfResources(cause)) {
        log.debug("splicing from {} to {} failed before any byte; copying", source, target, cause);
        listener.copying();
      } else {
        source.pipeline().fireExceptionCaught(cause);
      }
    }

    /** Whether the kernel was short of files or memory (EMFILE, ENFILE, ENOMEM on Linux). */
    private static boolean isShortOfResources(Throwable cause) {
      if (!(cause instanceof Errors.NativeIoException error)) {
        return false;
      }
      int errno = -error.expectedErr();
      return errno == EMFILE || errno == ENFILE || errno == ENOMEM;
    }
  }

  /**
   * A channel's own allocator, with a handle that tells the channel's {@link Direction}, once it
   * splices, what each splice call moved and when each read ends.
   */
  @SuppressWarnings("deprecation") // Netty's handles still implement the deprecated Handle
  private static final class Metered implements RecvByteBufAllocator {
    private final RecvByteBufAllocator allocator;
    private @Nullable Direction direction;

    Metered(RecvByteBufAllocator allocator) {
      this.allocator = allocator;
    }

    @Override
    public Handle newHandle() {
      return new MeteredHandle((ExtendedHandle) allocator.newHandle());
    }

    /**
     * Tells spliced bytes from read ones: a read allocates a buffer before it reports its bytes,
     * a splice does not.
     */
    private final class MeteredHandle implements ExtendedHandle {
      private final ExtendedHandle handle;
      private boolean allocated;

      MeteredHandle(ExtendedHandle handle) {
        this.handle = handle;
      }

      @Override
      public ByteBuf allocate(ByteBufAllocator alloc) {
        allocated = true;
        return handle.allocate(alloc);
      }

      /** Asked only by a splice: how much one read may move. */
      @Override
      public int guess() {
        return BATCH;
      }

      @Override
      public void lastBytesRead(int bytes) {
        if (!allocated && bytes > 0 && direction != null) {
          direction.spliced(bytes);
        }
        allocated = false;
        handle.lastBytesRead(bytes);
      }

      @Override
      public void readComplete() {
        handle.readComplete();
        if (direction != null) {
          direction.readEnded();
        }
      }

      @Override
      public void reset(ChannelConfig config) {
        allocated = false;
        handle.reset(config);
      }

      @Override
      public void incMessagesRead(int numMessages) {
        handle.incMessagesRead(numMessages);
      }

      @Override
      public int lastBytesRead() {
        return handle.lastBytesRead();
      }

      @Override
      public void attemptedBytesRead(int bytes) {
        handle.attemptedBytesRead(bytes);
      }

      @Override
      public int attemptedBytesRead() {
        return handle.attemptedBytesRead();
      }

      @Override
      public boolean continueReading() {
        return handle.continueReading();
      }

      @Override
      public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
        return handle.continueReading(maybeMoreDataSupplier);
      }
    }
  }
}
