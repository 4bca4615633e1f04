package io.steelyard.lb.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.steelyard.lb.Balancer;
import io.steelyard.lb.config.BalancerConfig;
import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.TestClient;
import io.steelyard.lb.transport.Transport;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A client that stops reading must not make the balancer buffer the server's data. */
class BackpressureTest {
  private static final long GIB = 1024L * 1024 * 1024;
  private static final int CHUNK = 64 * 1024;

  @Test
  void slowReaderKeepsBufferedBytesUnderOneMebibyte() throws Exception {
    AtomicLong sent = new AtomicLong();
    try (TestBackend source = TestBackend.start("source", () -> new Source(GIB, sent))) {
      BalancerConfig config =
          Balancer.builder()
              .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
              .backend("bk", b -> b.server("source", source.hostPort()))
              .ioThreads(1)
              .build();
      Forwarding forwarding = Forwarding.start(config, Transport.auto(), List.of());
      try (Socket client = TestClient.connect(forwarding.boundAddresses("ft").get(0))) {
        client.setReceiveBufferSize(64 * 1024);
        awaitStalled(sent);

        long buffered = forwarding.bufferedBytes();
        assertThat(buffered).as("bytes buffered in the balancer").isLessThan(1024 * 1024);
        assertThat(sent.get()).as("bytes the server got out").isLessThan(GIB / 8);
        System.out.printf("slow reader: server stalled after %d bytes, balancer buffers %d bytes%n",
            sent.get(), buffered);

        assertThat(drain(client.getInputStream())).isEqualTo(GIB);
      } finally {
        forwarding.close(Duration.ofSeconds(1));
      }
    }
  }

  /** Waits until the server has sent nothing more for half a second. */
  private static void awaitStalled(AtomicLong sent) {
    long[] last = {-1};
    await()
        .pollInterval(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(30))
        .until(() -> {
          long now = sent.get();
          boolean stalled = now > 0 && now == last[0];
          last[0] = now;
          return stalled;
        });
  }

  private static long drain(InputStream in) throws Exception {
    byte[] buffer = new byte[256 * 1024];
    long total = 0;
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      total += n;
    }
    return total;
  }

  /** Sends {@code size} bytes as fast as the connection takes them, then closes. */
  private static final class Source extends ChannelInboundHandlerAdapter {
    private final long size;
    private final AtomicLong sent;
    private boolean closing;

    Source(long size, AtomicLong sent) {
      this.size = size;
      this.sent = sent;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      pump(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      pump(ctx);
    }

    private void pump(ChannelHandlerContext ctx) {
      while (ctx.channel().isWritable() && sent.get() < size) {
        int n = (int) Math.min(CHUNK, size - sent.get());
        ByteBuf chunk = ctx.alloc().buffer(n).writeZero(n);
        sent.addAndGet(n);
        ctx.write(chunk);
      }
      ctx.flush();
      if (sent.get() >= size && !closing) {
        closing = true;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      }
    }
  }
}
