package io.steelyard.lb.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DuplexChannel;
import io.steelyard.lb.config.TcpKeepAlive;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * The sockets a balancer runs on: which Netty I/O handler and channel types it uses. Core ships
 * {@link #ioUring()}, {@link #epoll()} and {@link #nio()}; other modules (TPROXY) provide their
 * own.
 */
public interface Transport {

  /** A short name for logs, such as {@code epoll}. */
  String name();

  /** A factory for the I/O handler of each event loop. */
  IoHandlerFactory newIoHandlerFactory();

  /** The type of listening channels. */
  Class<? extends ServerChannel> serverChannelType();

  /** The type of connected channels, inbound and outbound. */
  Class<? extends Channel> channelType();

  /**
   * Whether it can listen on foreign addresses and bind connections to them ({@code IP_TRANSPARENT}),
   * as transparent frontends and {@code usesrc} need.
   */
  default boolean transparent() {
    return false;
  }

  /**
   * Fails, with what to do about it, when this process cannot use the transport as configured
   * (for example a missing capability); called once before anything is bound.
   */
  default void checkUsable(boolean transparentUse) {}

  /**
   * Lets several listening sockets share one address ({@code SO_REUSEPORT}), so that each event
   * loop gets its own listener, as each of HAProxy's threads does: the kernel spreads new
   * connections over them and a connection stays on the loop that accepted it, with no hand-over
   * between threads. Returns whether it did; the default, for transports that cannot, returns
   * false and one listener per address hands its connections to the loops in turn.
   */
  default boolean shareListener(ServerBootstrap bootstrap) {
    return false;
  }

  /**
   * Sets the options of a transparent listener. Called only if {@link #transparent()}: the
   * balancer refuses to start a transparent frontend on a transport that is not.
   */
  default void transparentListener(ServerBootstrap bootstrap) {}

  /**
   * Sets the options of a connection to a server bound to a foreign address, on its channel before
   * it binds and connects. Called only if {@link #transparent()}, as above.
   */
  default void transparentOutbound(Channel channel, Source source) {}

  /**
   * Sends a FIN on a connection that has nothing queued to write and will be given nothing more:
   * what {@link DuplexChannel#shutdownOutput()} does, which is the default. A transport may do it
   * more cheaply: Netty's own builds an exception with a stack trace for the writes it fails, even
   * when there are none.
   */
  default void sendFin(DuplexChannel channel) {
    channel.shutdownOutput();
  }

  /**
   * Turns TCP keep-alive probes on for {@code channel}, with the timings {@code settings} sets,
   * before it connects or as it is accepted. The default sets {@code SO_KEEPALIVE} and the timings
   * by Netty's epoll option names, which the epoll channels, Netty's and Steelyard's, understand.
   */
  default void keepAlive(Channel channel, TcpKeepAlive settings) {
    KeepAliveOptions.EPOLL.apply(channel, settings);
  }

  /**
   * The relay that moves sessions' bytes without copying them through the JVM, or {@code null}
   * (the default) when sessions copy every byte through their pipelines.
   */
  default @Nullable ZeroCopyRelay zeroCopyRelay() {
    return null;
  }

  /** Whether this machine can run it: its native library loads and the kernel has what it needs. */
  default boolean available() {
    return true;
  }

  /** Why it is not {@link #available()}, or {@code null} when it is. */
  default @Nullable Throwable unavailabilityCause() {
    return null;
  }

  /**
   * Epoll with Steelyard's own channels ({@link #epollEdge()}), else io_uring, else NIO, whichever
   * this machine has first; when it passes one over, the log says why it is unavailable. The edge
   * channels come first because they make the fewest system calls per connection (20.8 against
   * 38.1 on Netty's epoll channels and HAProxy's 18.0) and the most connections per second; io_uring
   * did not pay here: as many short connections as Netty's epoll with fewer than half its system
   * calls, a slower stream and a higher keep-alive p99 (lb-bench/compare/RESULTS.md). For splice(2),
   * choose {@link #epoll(Splice)}.
   */
  static Transport auto() {
    for (Transport candidate : nativeTransports()) {
      if (candidate.available()) {
        return candidate;
      }
      LoggerFactory.getLogger(Transport.class)
          .info("{} unavailable: {}", candidate.name(), String.valueOf(candidate.unavailabilityCause()));
    }
    return nio();
  }

  /**
   * The native transports in the order {@link #auto()} prefers them, epoll (on Steelyard's edge
   * channels) then io_uring; NIO, which every machine has, comes after them.
   */
  static List<Transport> nativeTransports() {
    return List.of(epollEdge(), ioUring());
  }

  /** Netty's native io_uring transport (Linux only, with a kernel that has io_uring). */
  static Transport ioUring() {
    return IoUringTransport.INSTANCE;
  }

  /** Netty's native epoll transport with Netty's channels (Linux only); it copies every byte. */
  static Transport epoll() {
    return EpollTransport.COPYING;
  }

  /**
   * Netty's native epoll transport, relaying the given directions of every connection with
   * splice(2): from socket to socket inside the kernel, never copied through the JVM (HAProxy's
   * {@code option splice-request}, {@code splice-response} and {@code splice-auto}). Counters,
   * inactivity timeouts and half-closes behave as when copying; the statistics count spliced bytes
   * apart. {@link #epoll()} copies, as HAProxy does by default.
   */
  static Transport epoll(Splice directions) {
    return EpollTransport.splicing(Objects.requireNonNull(directions, "directions"));
  }

  /**
   * Netty's epoll event loop with Steelyard's own channels, registered once and edge-triggered,
   * which make about half the system calls per connection of Netty's (Linux only); it copies every
   * byte. {@link #auto()}'s first choice.
   */
  static Transport epollEdge() {
    return EdgeTransport.INSTANCE;
  }

  /** The JDK's NIO transport, available everywhere. */
  static Transport nio() {
    return NioTransport.INSTANCE;
  }
}
