package io.steelyard.lb.forward;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * One side of a session, client or server: hands every event of its channel to the session, which
 * relays to the other side. One instance per channel.
 *
 * <p>A server connection that the session has not taken (still connecting, or abandoned) is not
 * relayed: what it reads is dropped and its errors are ignored, since its connect's outcome (made,
 * failed or timed out) is what the session acts on.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {
  /** What a session hears from the handlers of its two channels, on their event loop. */
  interface Events {
    /** A channel of the session is about to read: the zero-copy relay may set it up. */
    void prepare(Channel channel);

    /** Whether the session has taken {@code channel} as one of its sides. */
    boolean owns(Channel channel);

    /** The client's channel is active: find it a server. */
    void start();

    void relay(boolean fromClient, Object msg);

    void flushTowards(boolean toClient);

    void writabilityChanged(boolean clientSide);

    void endOfInput(boolean clientSide);

    void failed(boolean clientSide, Throwable cause);

    void closed(boolean clientSide);
  }

  private final Events session;
  private final boolean clientSide;

  RelayHandler(Events session, boolean clientSide) {
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
