package io.steelyard.lb.testing;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/** A test server's handler that says its greeting (if any), then resets at the first byte. */
public final class ResettingServer extends ChannelInboundHandlerAdapter {
  private final String greeting;

  /** @param greeting a line sent on connect, or {@code null} */
  public ResettingServer(String greeting) {
    this.greeting = greeting;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    if (greeting != null) {
      ctx.writeAndFlush(Unpooled.copiedBuffer(greeting + "\n", StandardCharsets.US_ASCII));
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
    ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
    ctx.close();
  }
}
