package io.steelyard.lb.forward;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * One side of a {@link Session}, client or server: hands every event of its channel to the
 * session, which relays to the other side. One instance per channel.
 *
 * <p>A server connection that the session has not taken (still connecting, or abandoned) is not
 * relayed: what it reads is dropped and its errors are ignored, since its connect's outcome (made,
 * failed or timed out) is what the session acts on.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {
  private final Session session;
  private final boolean clientSide;

  RelayHandler(Session session, boolean clientSide) {
    this.session = session;
    this.clientSide = clientSide;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    session.prepare(ctx.channel());
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    if (clientSide) {
      session.start();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (session.owns(ctx.channel())) {
      session.relay(clientSide, msg);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (session.owns(ctx.channel())) {
      session.flushTowards(!clientSide);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (session.owns(ctx.channel())) {
      session.writabilityChanged(clientSide);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (!session.owns(ctx.channel())) {
      ReferenceCountUtil.release(event);
    } else if (event == ChannelInputShutdownEvent.INSTANCE) {
      session.endOfInput(clientSide);
    } else if (event instanceof IdleStateEvent) {
      session.idle(clientSide);
    } else {
      ctx.fireUserEventTriggered(event);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (session.owns(ctx.channel())) {
      session.failed(clientSide, cause);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (session.owns(ctx.channel())) {
      session.closed(clientSide);
    }
  }
}
