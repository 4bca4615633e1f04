package io.steelyard.lb.cli;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One client of a stats socket: reads command lines, answers each command, and closes as HAProxy's
 * CLI does: after the answers to what it sent when not interactive, at {@code quit}, at a line
 * longer than {@link StatsSocket#MAX_LINE}, when idle.
 *
 * <p>Answers wait while the client does not read them: then neither further commands nor further
 * input are taken, so a client costs at most a line, its commands and an answer's worth of memory.
 */
final class CliConnection extends ByteToMessageDecoder {
  private final CliSession session;
  /** Commands of the current line not answered yet: the client stopped reading. */
  private final ArrayDeque<String> pending = new ArrayDeque<>();
  /** Whether a line was read: without {@code prompt}, the connection closes once it is answered. */
  private boolean answered;

  CliConnection(CliSession session) {
    this.session = session;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (answerPending(ctx)) {
      if (answered && !session.interactive() && !in.isReadable()) {
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        return;
      }
      int start = in.readerIndex();
      int end = in.indexOf(start, Math.min(in.writerIndex(), start + StatsSocket.MAX_LINE), (byte) '\n');
      if (end < 0) {
        if (in.readableBytes() >= StatsSocket.MAX_LINE) {
          // HAProxy closes without an answer when a line does not fit its buffer.
          in.skipBytes(in.readableBytes());
          ctx.close();
        }
        return;
      }
      String line = in.toString(start, end - start, StandardCharsets.ISO_8859_1);
      in.readerIndex(end + 1);
      pending.addAll(CliSyntax.commands(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line));
      answered = true;
    }
  }

  /**
   * Answers pending commands while the client reads; returns whether all are answered and the
   * connection stays open.
   */
  private boolean answerPending(ChannelHandlerContext ctx) {
    while (!pending.isEmpty()) {
      if (!ctx.channel().isWritable()) {
        return false;
      }
      String answer = session.execute(pending.poll());
      if (session.quit()) {
        pending.clear();
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        return false;
      }
      if (session.timeout() != null) {
        ctx.pipeline().replace(CliServer.IDLE, CliServer.IDLE, CliServer.idleHandler(session.timeout()));
        session.timeoutApplied();
      }
      String prompt = session.interactive() ? "\n> " : "\n";
      ctx.writeAndFlush(ByteBufUtil.writeUtf8(ctx.alloc(), answer + prompt));
    }
    return ctx.channel().isActive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    super.userEventTriggered(ctx, event);
    if (event instanceof IdleStateEvent) {
      ctx.close();
    } else if (event instanceof ChannelInputShutdownEvent) {
      // The client sent all it will: close once the answers are out.
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /**
   * Unlike its parent, never asks for more input on its own: reading stays off while the client
   * does not read its answers.
   */
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    discardSomeReadBytes();
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    boolean writable = ctx.channel().isWritable();
    ctx.channel().config().setAutoRead(writable);
    if (writable && !pending.isEmpty()) {
      callDecode(ctx, internalBuffer(), new ArrayList<>());
    }
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
