package io.steelyard.examples;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A small data server for the demo, on 127.0.0.1: a client asks for a number of bytes with a line
 * such as {@code 16384\n} and receives that many bytes, {@code latency} later; it may ask again on
 * the same connection, and closes it when done. A request that is not a number from 1 to {@link
 * #MAX_REQUEST} closes the connection.
 */
final class DemoServer implements AutoCloseable {
  /** The most bytes one request may ask for. */
  static final int MAX_REQUEST = 1 << 20;

  private final String name;
  private final EventLoopGroup group;
  private final Channel listener;

  private DemoServer(String name, Duration latency) {
    this.name = name;
    this.group =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("demo-" + name, true), NioIoHandler.newFactory());
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new LineBasedFrameDecoder(16), new Answer(latency));
                  }
                });
    this.listener = bootstrap.bind("127.0.0.1", 0).syncUninterruptibly().channel();
  }

  /** A server called {@code name} on a free port of 127.0.0.1. */
  static DemoServer start(String name, Duration latency) {
    return new DemoServer(name, latency);
  }

  String name() {
    return name;
  }

  /** {@code 127.0.0.1:port}, as the balancer's builder takes it. */
  String hostPort() {
    return "127.0.0.1:" + ((InetSocketAddress) listener.localAddress()).getPort();
  }

  /** Closes the listener and every connection. */
  @Override
  public void close() {
    listener.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Answers each request line with the bytes it asks for, after the latency. */
  private static final class Answer extends SimpleChannelInboundHandler<ByteBuf> {
    private final Duration latency;

    Answer(Duration latency) {
      this.latency = latency;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf line) {
      int size;
      try {
        size = Integer.parseInt(line.toString(StandardCharsets.US_ASCII).strip());
      } catch (NumberFormatException e) {
        ctx.close();
        return;
      }
      if (size < 1 || size > MAX_REQUEST) {
        ctx.close();
        return;
      }
      ctx.executor()
          .schedule(
              () -> ctx.writeAndFlush(ctx.alloc().buffer(size).writeZero(size)),
              latency.toNanos(),
              TimeUnit.NANOSECONDS);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
