package io.steelyard.lb;

import static java.time.Duration.ofMillis;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.steelyard.lb.health.HealthListener;
import io.steelyard.lb.health.ServerEvent;
import io.steelyard.lb.health.ServerStatus;
import io.steelyard.lb.testing.TestBackend;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A TCP check passes when the server accepts the connection, even if it resets it at once: the
 * layer-4 check asks only whether a connection can be made, as HAProxy's does.
 */
class CheckOfResettingServerTest {

  @Test
  void aServerThatAcceptsThenResetsStaysUp() throws Exception {
    List<ServerEvent> events = new CopyOnWriteArrayList<>();
    try (TestBackend server = TestBackend.start("s1", ResetAtAccept::new);
        Balancer balancer =
            Balancer.builder()
                .listener(new HealthListener() {
                  @Override
                  public void serverChanged(ServerEvent event) {
                    events.add(event);
                  }
                })
                .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
                .backend("bk", b -> b.server("s1", server.hostPort(),
                    s -> s.check().inter(ofMillis(10)).fall(1).rise(1)))
                .start()) {
      long deadline = System.nanoTime() + 3_000_000_000L;
      while (server.accepted() < 100 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(server.accepted()).as("checks made").isGreaterThanOrEqualTo(50);
      assertThat(events).as("server changes").isEmpty();
      assertThat(balancer.stats().backend("bk").server("s1").status()).isEqualTo(ServerStatus.UP);
    }
  }

  /** Resets each connection as soon as it is accepted. */
  private static final class ResetAtAccept extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
      ctx.close();
    }
  }
}
