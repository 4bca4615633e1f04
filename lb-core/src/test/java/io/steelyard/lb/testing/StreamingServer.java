package io.steelyard.lb.testing;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * A test server's handler that sends {@code size} bytes as soon as a client connects, then closes,
 * whatever the client sends (which it discards); it writes as fast as the client reads.
 */
public final class StreamingServer extends ChannelInboundHandlerAdapter {
  private static final int CHUNK = 64 * 1024;
  private final long size;
  private long sent;

  public StreamingServer(long size) {
    this.size = size;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    writeMore(ctx);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    writeMore(ctx);
  }

  private void writeMore(ChannelHandlerContext ctx) {
    while (ctx.channel().isActive() && ctx.channel().isWritable() && sent < size) {
      int n = (int) Math.min(CHUNK, size - sent);
      ByteBuf chunk = ctx.alloc().buffer(n).writeZero(n);
      sent += n;
      if (sent == size) {
        ctx.writeAndFlush(chunk).addListener(ChannelFutureListener.CLOSE);
      } else {
        ctx.writeAndFlush(chunk);
      }
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
