package io.steelyard.lb.testing;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.Queue;

/**
 * A test server's handler that says its greeting (if any), consumes everything and records the
 * errors its connection sees, such as a reset forwarded by the balancer.
 */
public final class RecordingServer extends ChannelInboundHandlerAdapter {
  private final String greeting;
  private final Queue<Throwable> errors;

  /** @param greeting a line sent on connect, or {@code null} */
  public RecordingServer(String greeting, Queue<Throwable> errors) {
    this.greeting = greeting;
    this.errors = errors;
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
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    errors.add(cause);
    ctx.close();
  }
}
