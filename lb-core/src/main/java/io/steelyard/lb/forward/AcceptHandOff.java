package io.steelyard.lb.forward;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Passes each accepted connection on to be registered from a task of the listener's event loop,
 * after the burst of readiness events in which it was accepted, not in the middle of it. Netty's
 * epoll looks up each event of a burst by descriptor number: a connection registered at once can
 * take the number of a socket closed earlier in the same burst and be handed that socket's later
 * events, its end of input among them (a spliced direction then ends at its first read, and the
 * client is cut off mid-conversation). Registered from a task, it hears only its own events. The
 * connector opens server sockets from a task for the same reason.
 */
@Sharable
final class AcceptHandOff extends ChannelInboundHandlerAdapter {
  static final AcceptHandOff INSTANCE = new AcceptHandOff();

  private AcceptHandOff() {}

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object accepted) {
    ctx.executor().execute(() -> ctx.fireChannelRead(accepted));
  }
}
