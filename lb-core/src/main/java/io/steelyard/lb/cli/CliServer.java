package io.steelyard.lb.cli;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DuplexChannelConfig;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.steelyard.lb.Balancer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A listening {@link StatsSocket}: its event loop, its listener and its socket file. */
final class CliServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StatsSocket.class);
  static final String IDLE = "idle";

  private final EventLoopGroup group;
  private final @Nullable Path path;
  private final int maxConn;
  private @Nullable Channel listener;
  /** Connections open now; touched on the event loop only. */
  private int open;

  private CliServer(EventLoopGroup group, @Nullable Path path, int maxConn) {
    this.group = group;
    this.path = path;
    this.maxConn = maxConn;
  }

  static CliServer start(
      Balancer balancer,
      @Nullable Path path,
      @Nullable InetSocketAddress tcp,
      @Nullable Integer mode,
      Level level,
      Duration timeout,
      int maxConn)
      throws IOException {
    Path temporary = null;
    if (path != null) {
      checkPath(path);
      temporary = path.resolveSibling(path.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
      Files.deleteIfExists(temporary);
    }
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("steelyard-cli", true), NioIoHandler.newFactory());
    CliServer server = new CliServer(group, path, maxConn);
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(path != null ? NioServerDomainSocketChannel.class : NioServerSocketChannel.class)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel listener) {
                    // One accept per read, so that reaching maxconn stops accepting at once.
                    listener.config().setRecvByteBufAllocator(
                        new ServerChannelRecvByteBufAllocator().maxMessagesPerRead(1));
                  }
                })
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel channel) {
                    server.opened(channel);
                    // Answers still go out after the client has sent all it will (socat does).
                    // Set on the config: NIO's domain sockets do not take it as an option.
                    ((DuplexChannelConfig) channel.config()).setAllowHalfClosure(true);
                    channel
                        .pipeline()
                        .addLast(IDLE, idleHandler(timeout))
                        .addLast(new CliConnection(new CliSession(balancer, level)));
                  }
                });
    try {
      server.listener =
          bootstrap
              .bind(path != null ? UnixDomainSocketAddress.of(temporary) : tcp)
              .syncUninterruptibly()
              .channel();
      if (path != null) {
        if (mode != null) {
          Files.setPosixFilePermissions(temporary, permissions(mode));
        }
        Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      if (temporary != null) {
        Files.deleteIfExists(temporary);
      }
      throw e instanceof IOException ? (IOException) e
          : new IOException("cannot listen on " + (path != null ? path : tcp) + ": " + e.getMessage(), e);
    }
    log.info("stats socket listening on {}", path != null ? path : tcp);
    return server;
  }

  /** A handler that closes a connection idle for {@code timeout}. */
  static IdleStateHandler idleHandler(Duration timeout) {
    return new IdleStateHandler(0, 0, timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Fails unless {@code path}'s directory exists and {@code path} is free or a stale socket. */
  private static void checkPath(Path path) throws IOException {
    Path directory = path.getParent();
    if (directory == null || !Files.isDirectory(directory)) {
      throw new IOException("stats socket " + path + ": directory " + directory + " does not exist");
    }
    if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      BasicFileAttributes attributes =
          Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attributes.isOther()) {
        throw new IOException(
            "stats socket " + path + " exists and is not a socket; remove it or choose another path");
      }
    }
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < 9; i++) {
      if ((mode & (0400 >> i)) != 0) {
        set.add(bits[i]);
      }
    }
    return set;
  }

  /** Counts a new connection and stops accepting at maxconn until one closes. */
  private void opened(Channel channel) {
    Channel parent = channel.parent();
    if (++open >= maxConn) {
      parent.config().setAutoRead(false);
    }
    channel.closeFuture().addListener(f -> {
      if (open-- == maxConn) {
        parent.config().setAutoRead(true);
      }
    });
  }

  /** Stops listening, closes every connection and removes the socket file. */
  @Override
  public void close() throws IOException {
    Channel bound = listener;
    if (bound != null) {
      bound.close().syncUninterruptibly();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    if (path != null) {
      Files.deleteIfExists(path);
    }
  }

  @Override
  public String toString() {
    Channel bound = listener;
    return "stats socket " + (path != null ? path : bound != null ? bound.localAddress() : "(not bound)");
  }
}
