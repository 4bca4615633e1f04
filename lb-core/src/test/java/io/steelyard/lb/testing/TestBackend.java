package io.steelyard.lb.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A real TCP server on loopback for tests: it counts the connections it accepts and remembers the
 * peer address of each. {@link #greeting} servers say their name first, so a client learns which
 * server the balancer chose; then they echo, and when the client half-closes they answer
 * {@code "bye from NAME\n"} and close.
 */
public final class TestBackend implements AutoCloseable {
  private final String name;
  private final EventLoopGroup group;
  private final Channel listener;
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger open = new AtomicInteger();
  private final Queue<InetSocketAddress> peers = new ConcurrentLinkedQueue<>();

  private TestBackend(String name, String host, int port, Supplier<ChannelHandler> handler) {
    this.name = name;
    this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 16384)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    accepted.incrementAndGet();
                    open.incrementAndGet();
                    peers.add((InetSocketAddress) ch.remoteAddress());
                    ch.closeFuture().addListener(f -> open.decrementAndGet());
                    ch.pipeline().addLast(handler.get());
                  }
                });
    try {
      this.listener = bootstrap.bind(host, port).sync().channel();
    } catch (InterruptedException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A server that greets with its name, echoes, and answers a half-close with a goodbye. */
  public static TestBackend greeting(String name) {
    return greeting(name, 0);
  }

  /** A greeting server on {@code port} of 127.0.0.1, to restart one where it was. */
  public static TestBackend greeting(String name, int port) {
    return new TestBackend(name, "127.0.0.1", port, () -> new Greeter(name));
  }

  /** A server running {@code handler} (a new instance per connection) on 127.0.0.1. */
  public static TestBackend start(String name, Supplier<ChannelHandler> handler) {
    return new TestBackend(name, "127.0.0.1", 0, handler);
  }

  /** A loopback address where nothing listens: connections to it are refused. */
  public static InetSocketAddress refusingAddress() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return (InetSocketAddress) socket.getLocalSocketAddress();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public String name() {
    return name;
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) listener.localAddress();
  }

  /** {@code 127.0.0.1:port}, as the builder takes it. */
  public String hostPort() {
    return "127.0.0.1:" + address().getPort();
  }

  public int accepted() {
    return accepted.get();
  }

  public int open() {
    return open.get();
  }

  public List<InetSocketAddress> peers() {
    return List.copyOf(peers);
  }

  /** Stops accepting new connections (they are refused) but keeps the open ones. */
  public void stopListening() {
    listener.close().syncUninterruptibly();
  }

  /** Stops listening and closes every connection, as a killed server would; again, nothing. */
  @Override
  public void close() {
    if (group.isShuttingDown()) {
      return;
    }
    listener.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Greets, echoes, and says goodbye when the client half-closes. */
  private static final class Greeter extends ChannelInboundHandlerAdapter {
    private final String name;

    Greeter(String name) {
      this.name = name;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.writeAndFlush(ascii(name + "\n"));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.write(msg);
      if (!ctx.channel().isWritable()) {
        ctx.channel().config().setAutoRead(false);
        ctx.flush();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable()) {
        ctx.channel().config().setAutoRead(true);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt == ChannelInputShutdownEvent.INSTANCE) {
        ctx.writeAndFlush(ascii("bye from " + name + "\n"))
            .addListener(f -> ((DuplexChannel) ctx.channel()).shutdownOutput())
            .addListener(f -> ctx.close());
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  static ByteBuf ascii(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
  }
}
