package io.steelyard.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.steelyard.lb.config.PeerConfig;
import io.steelyard.lb.config.PeersConfig;
import io.steelyard.lb.peers.PeerSection;
import io.steelyard.lb.peers.ReplicatedTable;
import io.steelyard.lb.stick.StickEntry;
import io.steelyard.lb.stick.StickServers;
import io.steelyard.lb.stick.StickTable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What replication costs the forwarding path: a store of a known client into the seed's full
 * table (200,000 IPv4 clients), without peers and with a peers section whose session to a peer is
 * open. With the peer, each store also marks the entry and, when it was not queued already, offers
 * it to the section's queue; the section's event loop drains the queue every few milliseconds,
 * reads the entries and pushes them, on a thread of its own, which on a 2-core machine competes
 * with the measuring thread for the cores. Stores here come a million a second, each of another
 * client, so nearly every store is pushed: the worst case, where a balancer's stores come at its
 * rate of new connections. The peer is a sink in this JVM that answers the greeting and reads
 * what comes (its work, applying the entries, is another machine's in a real pair).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
@State(Scope.Benchmark)
public class StickReplicationBenchmark {
  private static final int ENTRIES = StickTableBenchmark.ENTRIES;

  /**
   * {@code none}: a table without peers; {@code unreachable}: with a peers section whose peer never
   * answers, so the entries are queued and journaled but not sent; {@code connected}: replicated to
   * an open session.
   */
  @Param({"none", "unreachable", "connected"})
  String peer;

  private StickTable table;
  private InetAddress[] clients;
  private int next;
  private EventLoopGroup group;
  private PeerSection local;
  private PeerSink sink;

  @Setup(Level.Trial)
  public void start() throws Exception {
    table = StickTable.builder().size(ENTRIES).expire(Duration.ofMinutes(30)).build();
    clients = Clients.ipv4(0, ENTRIES);
    if (!peer.equals("none")) {
      group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
      sink = PeerSink.start("b");
      InetSocketAddress remote = peer.equals("connected") ? sink.address() : free();
      local = PeerSection.start(
          new PeersConfig("bench", new PeerConfig("a", free()), List.of(new PeerConfig("b", remote))),
          List.of(new ReplicatedTable("bk", table, servers())),
          group.next(),
          new Bootstrap().group(group).channel(NioSocketChannel.class),
          NioServerSocketChannel.class);
      if (peer.equals("connected")) {
        sink.awaitSession(Duration.ofSeconds(10));
      }
    }
    for (InetAddress client : clients) {
      table.store(client, 1).connectionClosed();
    }
    Collections.shuffle(Arrays.asList(clients), new Random(42));
    if (peer.equals("connected")) {
      sink.awaitBytes(ENTRIES * 8L, Duration.ofSeconds(30));
    }
  }

  private static StickServers servers() {
    return new StickServers() {
      @Override
      public String name(int serverId) {
        return "s" + serverId;
      }

      @Override
      public int haproxyId(int serverId) {
        return serverId + 1;
      }

      @Override
      public int serverId(String name, int haproxyId) {
        return name != null && name.startsWith("s") ? Integer.parseInt(name.substring(1)) : haproxyId - 1;
      }
    };
  }

  private static InetSocketAddress free() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
    }
  }

  @TearDown(Level.Trial)
  public void stop() throws IOException {
    if (local != null) {
      local.close();
      sink.close();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /**
   * {@code stick store-request src} for a client that has an entry, then the end of its
   * connection, clients in random order: {@link StickTableBenchmark#store} with or without a
   * connected peer.
   */
  @Benchmark
  public StickEntry store() {
    InetAddress client = clients[next];
    next = next + 1 == clients.length ? 0 : next + 1;
    StickEntry entry = table.store(client, 1);
    entry.connectionClosed();
    return entry;
  }
}
