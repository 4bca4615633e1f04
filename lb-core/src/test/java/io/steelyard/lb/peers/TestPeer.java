package io.steelyard.lb.peers;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.steelyard.lb.config.PeerConfig;
import io.steelyard.lb.config.PeerTls;
import io.steelyard.lb.config.PeersConfig;
import io.steelyard.lb.stick.StickServers;
import io.steelyard.lb.stick.StickTable;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Steelyard peer for tests: one stick table called {@code bk} whose servers are {@code s1},
 * {@code s2}, ... (stored as 0, 1, ..., HAProxy ids 1, 2, ...), replicated by a {@link PeerSection}
 * on its own NIO event loop.
 */
final class TestPeer implements AutoCloseable {
  static final List<String> SERVERS = List.of("s1", "s2", "s3");

  final StickTable table;
  final PeerSection section;
  private final EventLoopGroup group;

  private TestPeer(StickTable table, PeerSection section, EventLoopGroup group) {
    this.table = table;
    this.section = section;
    this.group = group;
  }

  /**
   * A peer called {@code name} on {@code address}, with {@code remotes}, its table's expiry {@code
   * expire}, speaking the protocol up to 2.{@code maxMinorVersion}.
   */
  static TestPeer start(
      String name, InetSocketAddress address, List<PeerConfig> remotes, Duration expire,
      int maxMinorVersion) {
    return start(name, address, remotes, expire, maxMinorVersion, null);
  }

  /** As above, with {@code tls} on every session ({@code null}: none). */
  static TestPeer start(
      String name, InetSocketAddress address, List<PeerConfig> remotes, Duration expire,
      int maxMinorVersion, PeerTls tls) {
    StickTable table = StickTable.builder().size(10_000).expire(expire).build();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    PeersConfig config = new PeersConfig("mypeers", new PeerConfig(name, address), remotes, tls);
    PeerSection section = PeerSection.start(
        config, List.of(new ReplicatedTable("bk", table, servers())), group.next(),
        new Bootstrap().group(group).channel(NioSocketChannel.class), NioServerSocketChannel.class,
        maxMinorVersion);
    return new TestPeer(table, section, group);
  }

  static StickServers servers() {
    return new StickServers() {
      @Override
      public String name(int serverId) {
        return serverId >= 0 && serverId < SERVERS.size() ? SERVERS.get(serverId) : null;
      }

      @Override
      public int haproxyId(int serverId) {
        return serverId >= 0 && serverId < SERVERS.size() ? serverId + 1 : -1;
      }

      @Override
      public int serverId(String name, int haproxyId) {
        int byName = name == null ? -1 : SERVERS.indexOf(name);
        if (byName >= 0) {
          return byName;
        }
        return haproxyId >= 1 && haproxyId <= SERVERS.size() ? haproxyId - 1 : -1;
      }
    };
  }

  @Override
  public void close() {
    section.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
