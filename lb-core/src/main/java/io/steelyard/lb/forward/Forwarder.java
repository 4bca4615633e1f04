package io.steelyard.lb.forward;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.steelyard.lb.config.BalancerConfig;
import io.steelyard.lb.config.SocketAddresses;
import io.steelyard.lb.config.TrafficLogging;
import io.steelyard.lb.log.LogSink;
import io.steelyard.lb.stats.ConnectionInfo;
import io.steelyard.lb.stats.Limits;
import io.steelyard.lb.transport.Source;
import io.steelyard.lb.transport.Transport;
import io.steelyard.lb.transport.ZeroCopyRelay;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running network side of a balancer: one event loop group, the listeners of every frontend,
 * and the sessions that relay between clients and servers.
 *
 * <p>Each accepted connection is a {@link Session}; its outbound connection runs on the same event
 * loop, so that relaying never crosses threads. Where the transport lets listeners share an
 * address and no {@code maxconn} is configured, each event loop listens on every address and keeps
 * the connections it accepts. Without a configured {@code maxconn}, the descriptor limit sets one
 * ({@link DescriptorBudget}), kept on the count of sessions the forwarder keeps anyway, so that it
 * costs a connection nothing more; per-loop listeners pause a read's burst late, which the budget
 * sets aside. Netty's socket channels set {@code TCP_NODELAY} by themselves, on accepted and
 * outbound connections alike.
 *
 * <p>{@link #close} stops accepting, lets sessions end by themselves for the drain time, closes
 * the rest and returns once every event loop thread has ended.
 */
final class Forwarder implements SessionHost {
  private static final Logger log = LoggerFactory.getLogger(Forwarder.class);
  /**
   * The buffers relayed bytes are read into: Netty's pooled allocator, not 4.2's default adaptive
   * one, which serves the 64 KiB reads of a busy stream from fresh, zeroed memory whenever the
   * JVM's direct memory is under 512 MiB (as with a 256 MiB heap), a cost that showed in profiles.
   */
  private static final ByteBufAllocator RELAY_BUFFERS = PooledByteBufAllocator.DEFAULT;

  private final Transport transport;
  private final ZeroCopyRelay zeroCopyRelay;
  private final MultiThreadIoEventLoopGroup group;
  private final Bootstrap outbound;
  private final ChannelFactory<? extends Channel> serverChannels;
  private final Limits limits;
  /** A configured maxconn's counts, or {@code null} without one. */
  private final AcceptLimits acceptLimits;
  /** The derived maxconn, kept on {@link #active}; 0 when {@link #acceptLimits} keeps the limit. */
  private final int sessionLimit;
  private final AcceptFailures acceptFailures;
  /** Each frontend's listeners by the address they were asked to bind; the lock of listening. */
  private final Map<Frontend, Map<InetSocketAddress, List<Channel>>> listeners = new IdentityHashMap<>();
  private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
  private final AtomicInteger active = new AtomicInteger();
  /** The connection log, started when a frontend first logs; set under {@code this}. */
  private volatile TrafficLog trafficLog;

  /** @param configuredLimit whether a global or frontend maxconn is configured */
  private Forwarder(Transport transport, int ioThreads, Limits limits, boolean configuredLimit) {
    this.transport = transport;
    this.limits = limits;
    this.zeroCopyRelay = transport.zeroCopyRelay();
    this.group =
        new MultiThreadIoEventLoopGroup(
            ioThreads, new DefaultThreadFactory("steelyard-io"), transport.newIoHandlerFactory());
    this.outbound =
        new Bootstrap()
            .channel(transport.channelType())
            .option(ChannelOption.ALLOCATOR, RELAY_BUFFERS)
            .option(ChannelOption.ALLOW_HALF_CLOSURE, true);
    this.serverChannels = new ReflectiveChannelFactory<>(transport.channelType());
    this.acceptLimits = configuredLimit ? new AcceptLimits(limits.maxConn()) : null;
    this.sessionLimit = configuredLimit ? 0 : limits.maxConn();
    this.acceptFailures = new AcceptFailures(limits, this::underLimits);
  }

  /**
   * A forwarder for {@code config}'s frontends, its event loops running, not yet listening: its
   * maxconn is the configured one, or else what the descriptor limit allows.
   */
  static Forwarder create(Transport transport, BalancerConfig config) {
    boolean frontendLimit = config.frontends().stream().anyMatch(f -> f.maxConn() > 0);
    int listeners =
        config.frontends().stream().mapToInt(f -> f.binds().size()).sum() * config.ioThreads();
    ZeroCopyRelay relay = transport.zeroCopyRelay();
    int perConnection = 2 + (relay == null ? 0 : relay.descriptorsPerSession());
    Limits limits =
        DescriptorBudget.of(config.maxConn(), listeners, config.ioThreads(), perConnection);
    return new Forwarder(transport, config.ioThreads(), limits, config.maxConn() > 0 || frontendLimit);
  }

  /**
   * Binds every frontend's addresses and starts relaying their connections.
   *
   * @throws IllegalStateException naming the frontend and the address when a bind fails; nothing
   *     is left running then
   */
  void listen(List<Frontend> frontends) {
    try {
      for (Frontend frontend : frontends) {
        bind(frontend);
      }
    } catch (RuntimeException e) {
      shutdown();
      throw e;
    }
    log.info(
        "listening with {} on {} event loops: {}; maxconn {}{} (ulimit-n {})",
        transport.name(),
        group.executorCount(),
        allListeners(),
        limits.maxConn(),
        limits.derived() ? " derived from the descriptor limit" : "",
        limits.ulimitN());
  }

  /** Whether frontends' maxconn are counted: a global or frontend maxconn was configured. */
  boolean limitsFrontends() {
    return acceptLimits != null;
  }

  /** The event loops, for other work that belongs on them (health checks). */
  EventLoopGroup loops() {
    return group;
  }

  /** A bootstrap of outbound connections, with the transport's channel type and options. */
  Bootstrap bootstrap() {
    return outbound;
  }

  /**
   * Listens on every address of {@code frontend}.
   *
   * @throws IllegalStateException naming the frontend and the address when a bind fails; none of
   *     its addresses is left bound then
   */
  void bind(Frontend frontend) {
    List<InetSocketAddress> bound = new ArrayList<>();
    try {
      for (InetSocketAddress address : frontend.binds()) {
        bind(frontend, address);
        bound.add(address);
      }
    } catch (RuntimeException e) {
      bound.forEach(address -> unbind(frontend, address));
      throw e;
    }
  }

  /** Stops listening for {@code frontend} on every address; the connections it accepted go on. */
  void unbind(Frontend frontend) {
    List<InetSocketAddress> addresses;
    synchronized (listeners) {
      Map<InetSocketAddress, List<Channel>> byAddress = listeners.get(frontend);
      addresses = byAddress == null ? List.of() : List.copyOf(byAddress.keySet());
    }
    addresses.forEach(address -> unbind(frontend, address));
  }

  /**
   * Listens on {@code address} for {@code frontend} too.
   *
   * @throws IllegalStateException naming the frontend and the address when the bind fails; nothing
   *     of it is left bound then
   */
  void bind(Frontend frontend, InetSocketAddress address) {
    ServerBootstrap bootstrap = bootstrap(frontend);
    // A listener per loop, also under a configured maxconn: one shared listener handed half its
    // connections to the other loop, a task and a wake-up each, and made 10-20% fewer short
    // connections (lb-bench/compare/RESULTS.md). The price: pausing reaches the other loops'
    // listeners a moment later, and what they accept meanwhile waits as late connections
    // (AcceptLimits); clients queue per listener, not in one line.
    boolean perLoop = transport.shareListener(bootstrap);
    List<Channel> bound = new ArrayList<>();
    try {
      if (!perLoop) {
        bound.add(listen(frontend, bootstrap.clone().group(group), address));
      } else {
        InetSocketAddress shared = address;
        for (EventExecutor executor : group) {
          EventLoop loop = (EventLoop) executor;
          Channel listener = listen(frontend, bootstrap.clone().group(loop, loop), shared);
          bound.add(listener);
          // Port 0: the first listener's port, so that the others share it.
          shared = (InetSocketAddress) listener.localAddress();
        }
      }
    } catch (RuntimeException e) {
      close(frontend, bound);
      throw e;
    }
    synchronized (listeners) {
      listeners.computeIfAbsent(frontend, f -> new LinkedHashMap<>()).put(address, bound);
    }
  }

  /**
   * Stops listening on {@code address} for {@code frontend}; the connections it accepted go on.
   * Nothing happens when it does not listen there.
   */
  void unbind(Frontend frontend, InetSocketAddress address) {
    List<Channel> bound;
    synchronized (listeners) {
      Map<InetSocketAddress, List<Channel>> addresses = listeners.get(frontend);
      bound = addresses == null ? null : addresses.remove(address);
      if (addresses != null && addresses.isEmpty()) {
        listeners.remove(frontend);
      }
    }
    if (bound != null) {
      close(frontend, bound);
    }
  }

  private void close(Frontend frontend, List<Channel> bound) {
    for (Channel listener : bound) {
      if (acceptLimits != null) {
        acceptLimits.stopped(frontend, listener);
      }
      listener.close().awaitUninterruptibly();
    }
  }

  /** How {@code frontend}'s listeners are made: their options, and their connections' sessions. */
  private ServerBootstrap bootstrap(Frontend frontend) {
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .channel(transport.serverChannelType())
            .option(ChannelOption.SO_REUSEADDR, true)
            .option(ChannelOption.SO_BACKLOG, 4096)
            .childOption(ChannelOption.ALLOCATOR, RELAY_BUFFERS)
            .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .childOption(ChannelOption.AUTO_READ, false)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel client) {
                    if (frontend.clientKeepAlive() != null) {
                      transport.keepAlive(client, frontend.clientKeepAlive());
                    }
                    Session session = new Session(Forwarder.this, frontend, client);
                    client.pipeline().addLast(session.clientHandler());
                  }
                });
    bootstrap.handler(
        new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel listener) {
            listener.pipeline().addLast(acceptFailures);
            if (acceptLimits != null) {
              listener.pipeline().addLast(new AcceptCounter(frontend));
            }
            listener.pipeline().addLast(AcceptHandOff.INSTANCE);
          }
        });
    if (frontend.transparent()) {
      transport.transparentListener(bootstrap);
    }
    return bootstrap;
  }

  private Channel listen(Frontend frontend, ServerBootstrap bootstrap, InetSocketAddress address) {
    ChannelFuture future = bootstrap.bind(address).awaitUninterruptibly();
    if (!future.isSuccess()) {
      throw new IllegalStateException(
          "frontend '" + frontend.name() + "': cannot bind " + SocketAddresses.hostPort(address) + ": "
              + future.cause().getMessage(),
          future.cause());
    }
    if (acceptLimits != null) {
      acceptLimits.listening(frontend, future.channel());
    }
    return future.channel();
  }

  /**
   * The addresses {@code frontend} listens on, with the ports the system gave for port 0; each
   * once, however many event loops share it.
   */
  List<InetSocketAddress> boundAddresses(Frontend frontend) {
    List<Channel> bound = new ArrayList<>();
    synchronized (listeners) {
      Map<InetSocketAddress, List<Channel>> byAddress = listeners.get(frontend);
      if (byAddress == null) {
        throw new IllegalArgumentException("unknown frontend '" + frontend.name() + "'");
      }
      byAddress.values().forEach(bound::addAll);
    }
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (Channel channel : bound) {
      InetSocketAddress address = (InetSocketAddress) channel.localAddress();
      if (!addresses.contains(address)) {
        addresses.add(address);
      }
    }
    return addresses;
  }

  /**
   * The bytes queued in the balancer for writing, over all connections: what flow control
   * bounds. Read without stopping traffic, so it is a moment's approximation.
   */
  long bufferedBytes() {
    long total = 0;
    for (Session session : sessions) {
      total += session.bufferedBytes();
    }
    return total;
  }

  /** The connections open now, in no particular order. */
  List<ConnectionInfo> connections() {
    List<ConnectionInfo> list = new ArrayList<>();
    for (Session session : sessions) {
      list.add(session.info());
    }
    return list;
  }

  /** The descriptor limit and the maxconn it runs with, configured or derived. */
  Limits limits() {
    return limits;
  }

  /** Connections open now over all frontends. */
  @Override
  public int activeConnections() {
    return active.get();
  }

  /**
   * Stops accepting, waits up to {@code drain} for open connections to end, closes the rest, and
   * returns when every thread, socket and buffer is released.
   */
  void close(Duration drain) {
    for (Channel channel : allListeners()) {
      channel.close().awaitUninterruptibly();
    }
    if (acceptLimits != null) {
      acceptLimits.dropLate();
    }
    long deadline = System.nanoTime() + drain.toNanos();
    while (!sessions.isEmpty() && System.nanoTime() < deadline) {
      sleepBriefly();
    }
    if (!sessions.isEmpty()) {
      log.info("closing {} connections still open after the drain time of {}", sessions.size(), drain);
      // Each is killed on its event loop before the loops stop, which would otherwise close the
      // sockets themselves, and the sessions would be logged as ended by their peers.
      List<Future<?>> kills = new ArrayList<>();
      for (Session session : sessions) {
        kills.add(session.kill());
      }
      for (Future<?> kill : kills) {
        kill.awaitUninterruptibly(1, TimeUnit.SECONDS);
      }
    }
    shutdown();
  }

  void shutdown() {
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    synchronized (this) {
      if (trafficLog != null) {
        trafficLog.close();
      }
    }
  }

  @Override
  public void log(TrafficLogging logging, FinishedSession session) {
    if (logging.sink().inline()) {
      TrafficLog.writeNow(logging, session);
    } else {
      trafficLog().offer(logging, session);
    }
  }

  /** The connection log, started at its first use. */
  private TrafficLog trafficLog() {
    TrafficLog started = trafficLog;
    if (started == null) {
      synchronized (this) {
        if (trafficLog == null) {
          trafficLog = new TrafficLog();
        }
        started = trafficLog;
      }
    }
    return started;
  }

  /** Closes {@code sink} once the lines queued for it are written. */
  void retire(LogSink sink) {
    TrafficLog started = trafficLog;
    if (started == null) {
      sink.close();
    } else {
      started.retire(sink);
    }
  }

  /** Connection log lines dropped because the logging thread fell behind. */
  long droppedLogs() {
    TrafficLog started = trafficLog;
    return started == null ? 0 : started.dropped();
  }

  private static void sleepBriefly() {
    try {
      Thread.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while draining connections", e);
    }
  }

  /** Closes every connection of {@code server} (HAProxy's {@code shutdown sessions server}). */
  void shutdownSessions(Server server) {
    for (Session session : sessions) {
      if (session.target() == server) {
        session.kill();
      }
    }
  }

  /**
   * Made directly rather than by a clone of {@link #outbound}: a bootstrap per connection cost a
   * copy of its option map, a resolver lookup and a task to connect.
   */
  @Override
  public Channel serverChannel(EventLoop loop, Backend backend, ChannelHandler handler) {
    Channel channel = serverChannels.newChannel();
    ChannelConfig config = channel.config();
    config.setAllocator(RELAY_BUFFERS);
    config.setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    config.setConnectTimeoutMillis(Math.toIntExact(backend.config().connectTimeout().toMillis()));
    Source source = backend.config().source();
    if (source != null && source.foreign()) {
      transport.transparentOutbound(channel, source);
    }
    if (backend.config().serverKeepAlive() != null) {
      transport.keepAlive(channel, backend.config().serverKeepAlive());
    }
    channel.pipeline().addLast(handler);
    loop.register(channel);
    return channel;
  }

  @Override
  public Transport transport() {
    return transport;
  }

  @Override
  public ZeroCopyRelay zeroCopyRelay() {
    return zeroCopyRelay;
  }

  @Override
  public void sessionStarted(Session session) {
    sessions.add(session);
    if (active.incrementAndGet() == sessionLimit) {
      pauseOrResume();
    }
  }

  @Override
  public void sessionEnded(Session session) {
    sessions.remove(session);
    if (active.decrementAndGet() == sessionLimit - 1) {
      pauseOrResume();
    }
  }

  /**
   * The count of sessions crossed the derived maxconn: every listener pauses or resumes. The count
   * is read again under the lock, so that crossings both ways in a row leave the right state.
   */
  private void pauseOrResume() {
    synchronized (listeners) {
      boolean accepting = active.get() < sessionLimit;
      for (Channel listener : allListeners()) {
        listener.config().setAutoRead(accepting);
      }
    }
  }

  /** Every listener of every frontend. */
  private List<Channel> allListeners() {
    List<Channel> all = new ArrayList<>();
    synchronized (listeners) {
      listeners.values().forEach(byAddress -> byAddress.values().forEach(all::addAll));
    }
    return all;
  }

  /** Whether {@code listener} is under every limit, so that it may accept. */
  private boolean underLimits(Channel listener) {
    return acceptLimits == null
        ? sessionLimit == 0 || active.get() < sessionLimit
        : acceptLimits.accepting(listener);
  }


  /**
   * Counts each accepted connection against the limits as it is accepted, and out again when its
   * socket closes, whatever becomes of its session; one accepted past a limit is let in later.
   */
  @Sharable
  private final class AcceptCounter extends ChannelInboundHandlerAdapter {
    private final Frontend frontend;

    AcceptCounter(Frontend frontend) {
      this.frontend = frontend;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      Channel child = (Channel) msg;
      if (acceptLimits.opened(frontend, child, () -> ctx.executor().execute(() -> admit(ctx, child)))) {
        admit(ctx, child);
      }
    }

    private void admit(ChannelHandlerContext ctx, Channel child) {
      child.closeFuture().addListener(closed -> acceptLimits.closed(frontend));
      ctx.fireChannelRead(child);
    }
  }
}
