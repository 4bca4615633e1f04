package io.steelyard.lb.stick;

import static io.steelyard.lb.stick.Addresses.ip;
import static java.time.Duration.ofMinutes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** Keys: IPv4 and IPv6, compared by address alone, and looked up without allocating. */
class StickKeyTest {
  private static final byte[] LINK_LOCAL = ip("fe80::1").getAddress();

  private final StickTable table =
      StickTable.builder().size(100).expire(ofMinutes(30)).ticker(new FakeTicker()).build();

  @Test
  void ipv6ClientsHaveTheirOwnEntries() {
    table.store(ip("2001:db8::1"), 1);
    table.store(ip("2001:db8::2"), 2);
    table.store(ip("192.0.2.1"), 3);

    assertThat(table.match(ip("2001:db8:0:0:0:0:0:1"))).isEqualTo(1);
    assertThat(table.match(ip("2001:db8::2"))).isEqualTo(2);
    assertThat(table.match(ip("2001:db8::3"))).isEqualTo(StickTable.NO_SERVER);
    assertThat(table.match(ip("::c000:201"))).isEqualTo(StickTable.NO_SERVER); // not 192.0.2.1
    assertThat(table.match(ip("192.0.2.1"))).isEqualTo(3);
  }

  @Test
  void theScopeIdIsDroppedFromTheKey() throws Exception {
    Inet6Address scoped = Inet6Address.getByAddress(null, LINK_LOCAL, 7);
    assertThat(scoped.getScopeId()).isEqualTo(7);

    table.store(scoped, 1);

    InetAddress key = table.entries().get(0).client();
    assertThat(key).isInstanceOf(Inet6Address.class).isEqualTo(ip("fe80::1"));
    assertThat(((Inet6Address) key).getScopeId()).isZero();
    assertThat(((Inet6Address) key).getScopedInterface()).isNull();
    assertThat(key).hasToString("/fe80:0:0:0:0:0:0:1");
    // The scope plays no part in a lookup either.
    assertThat(table.match(ip("fe80::1"))).isEqualTo(1);
    assertThat(table.match(Inet6Address.getByAddress(null, LINK_LOCAL, 9))).isEqualTo(1);
    table.store(Inet6Address.getByAddress(null, LINK_LOCAL, 9), 2);
    assertThat(table.entries()).hasSize(1);
    assertThat(table.match(scoped)).isEqualTo(2);
  }

  @Test
  void theHostNameIsDroppedFromTheKey() throws Exception {
    InetAddress named = InetAddress.getByAddress("client.example", ip("192.0.2.1").getAddress());

    table.store(named, 1);

    InetAddress key = table.entries().get(0).client();
    assertThat(key).isInstanceOf(Inet4Address.class).hasToString("/192.0.2.1");
    assertThat(table.match(ip("192.0.2.1"))).isEqualTo(1);
  }

  @Test
  void javaReadsIpv4MappedAddressesAsIpv4() throws Exception {
    byte[] bytes = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 1};

    table.store(ip("192.0.2.1"), 1);

    assertThat(ip("::ffff:192.0.2.1")).isInstanceOf(Inet4Address.class);
    assertThat(InetAddress.getByAddress(bytes)).isInstanceOf(Inet4Address.class);
    assertThat(table.match(ip("::ffff:192.0.2.1"))).isEqualTo(1);
    assertThat(table.match(InetAddress.getByAddress(bytes))).isEqualTo(1);
  }

  @Test
  void anIpv4ClientOfADualStackSocketComesAsIpv4() throws IOException {
    try (ServerSocket server = new ServerSocket()) {
      try {
        server.bind(new InetSocketAddress(ip("::"), 0));
      } catch (IOException e) {
        assumeTrue(false, "no IPv6 here: " + e);
      }
      try (Socket client = new Socket(ip("127.0.0.1"), server.getLocalPort());
          Socket accepted = server.accept()) {
        InetAddress remote = accepted.getInetAddress();

        assertThat(remote).isInstanceOf(Inet4Address.class).isEqualTo(ip("127.0.0.1"));
        table.store(remote, 1);
        assertThat(table.match(ip("::ffff:127.0.0.1"))).isEqualTo(1);
        assertThat(client.isConnected()).isTrue();
      }
    }
  }

  @Test
  void matchAndStoreOnAnExistingEntryAllocateNothing() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assumeTrue(threads.isThreadAllocatedMemorySupported(), "no allocation counter here");
    InetAddress[] clients = new InetAddress[64];
    for (int i = 0; i < clients.length; i++) {
      clients[i] = (i % 2 == 0) ? Addresses.ipv4(i) : ip("2001:db8::" + Integer.toHexString(i));
      table.store(clients[i], i).connectionClosed();
    }
    long sum = lookUp(clients, 20_000); // warm up
    long thread = Thread.currentThread().getId();

    long before = threads.getThreadAllocatedBytes(thread);
    sum += lookUp(clients, 100_000);
    long allocated = threads.getThreadAllocatedBytes(thread) - before;

    assertThat(sum).isPositive();
    assertThat(allocated).as("bytes allocated by 200,000 lookups").isLessThan(16_000);
  }

  private long lookUp(InetAddress[] clients, int rounds) {
    long sum = 0;
    for (int i = 0; i < rounds; i++) {
      InetAddress client = clients[i % clients.length];
      sum += table.match(client);
      StickEntry entry = table.store(client, i % 7);
      entry.connectionClosed();
      sum += entry.serverId();
    }
    return sum;
  }
}
