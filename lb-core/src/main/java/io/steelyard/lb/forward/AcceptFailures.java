package io.steelyard.lb.forward;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.steelyard.lb.stats.Limits;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a listener does when it cannot accept (most often {@code EMFILE}, out of descriptors): it
 * pauses for a second, so as not to spin, and says so in one line without a stack trace, at most
 * once every ten seconds over all listeners. Clients wait in the kernel's accept queue meanwhile.
 * The pause ends early when the accept limits resume the listener because a connection ended.
 */
@Sharable
final class AcceptFailures extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(AcceptFailures.class);
  private static final long PAUSE_MILLIS = 1_000;
  private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Limits limits;
  private final Predicate<Channel> mayAccept;
  private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

  /** @param mayAccept whether a listener is under its limits, so that its pause may end */
  AcceptFailures(Limits limits, Predicate<Channel> mayAccept) {
    this.limits = limits;
    this.mayAccept = mayAccept;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof IOException)) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    Channel listener = ctx.channel();
    logRarely(listener, cause);
    listener.config().setAutoRead(false);
    listener.eventLoop().schedule(() -> resume(listener), PAUSE_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void resume(Channel listener) {
    if (listener.isOpen() && mayAccept.test(listener)) {
      listener.config().setAutoRead(true);
    }
  }

  private void logRarely(Channel listener, Throwable cause) {
    long now = System.nanoTime();
    long last = lastLogged.get();
    if (now - last >= LOG_EVERY_NANOS && lastLogged.compareAndSet(last, now)) {
      log.warn(
          "{}: cannot accept: {}; pausing for {} ms (ulimit-n {}, maxconn {}; this is said at most"
              + " every 10 s)",
          listener.localAddress(), cause.getMessage(), PAUSE_MILLIS, limits.ulimitN(),
          limits.maxConn());
    }
  }
}
