package io.steelyard.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.steelyard.lb.Balancer;
import io.steelyard.lb.schedule.Balance;
import io.steelyard.lb.stats.BackendStats;
import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.TestClient;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The demo's table, from the statistics of a real balancer. */
class StatsTableTest {

  /** A server that says {@code hello\n} (6 bytes) and closes. */
  private static TestBackend hello(String name) {
    return TestBackend.start(name, () -> new ChannelInboundHandlerAdapter() {
      @Override
      public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(Unpooled.copiedBuffer("hello\n", StandardCharsets.US_ASCII))
            .addListener(ChannelFutureListener.CLOSE);
      }
    });
  }

  private static Balancer balancer(TestBackend... servers) {
    return Balancer.builder()
        .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
        .backend("bk", b -> {
          b.balance(Balance.roundRobin());
          for (TestBackend server : servers) {
            b.server(server.name(), server.hostPort());
          }
        })
        .start();
  }

  @Test
  void beforeAnyConnectionNoServerHasAShare() {
    try (TestBackend s1 = hello("s1");
        Balancer balancer = balancer(s1)) {
      assertThat(StatsTable.lines(balancer.stats().backend("bk")))
          .containsExactly(
              "server  status    now   total  share    bytes in   bytes out",
              "s1      UP          0       0      -         0 B         0 B",
              "all                 0       0      -         0 B         0 B");
    }
  }

  @Test
  void oneRowPerServerAndOneForTheBackend() throws Exception {
    try (TestBackend s1 = hello("s1");
        TestBackend s2 = hello("s2");
        Balancer balancer = balancer(s1, s2)) {
      InetSocketAddress address = balancer.boundAddresses("ft").get(0);
      for (int i = 0; i < 3; i++) {
        try (Socket socket = TestClient.connect(address)) {
          assertThat(socket.getInputStream().readAllBytes()).hasSize(6);
        }
      }
      await().atMost(Duration.ofSeconds(5))
          .until(() -> balancer.stats().backend("bk").traffic().current() == 0);
      BackendStats backend = balancer.stats().backend("bk");
      assertThat(StatsTable.lines(backend))
          .containsExactly(
              "server  status    now   total  share    bytes in   bytes out",
              "s1      UP          0       2    67%         0 B        12 B",
              "s2      UP          0       1    33%         0 B         6 B",
              "all                 0       3   100%         0 B        18 B");
    }
  }

  @Test
  void bytesAreCountedInBinaryUnits() {
    assertThat(StatsTable.bytes(0)).isEqualTo("0 B");
    assertThat(StatsTable.bytes(1023)).isEqualTo("1023 B");
    assertThat(StatsTable.bytes(1024)).isEqualTo("1.0 KiB");
    assertThat(StatsTable.bytes(1_000_000)).isEqualTo("976.6 KiB");
    assertThat(StatsTable.bytes(5L << 20)).isEqualTo("5.0 MiB");
    assertThat(StatsTable.bytes(3L << 30)).isEqualTo("3.0 GiB");
    assertThat(StatsTable.bytes(2L << 40)).isEqualTo("2.0 TiB");
    assertThat(StatsTable.bytes(2048L << 40)).isEqualTo("2048.0 TiB");
  }
}
