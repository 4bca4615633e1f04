package io.steelyard.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.steelyard.lb.stats.Traffic;
import io.steelyard.lb.testing.RecordingServer;
import io.steelyard.lb.testing.ResettingServer;
import io.steelyard.lb.testing.StreamingServer;
import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.TestClient;
import io.steelyard.lb.transport.Transport;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Bytes, half-closes and resets through a running balancer on loopback: one suite, run once per
 * transport by its subclasses.
 */
abstract class RelayTest {
  private static final long MIB = 1024 * 1024;

  private TestBackend backend;
  private Balancer balancer;
  private InetSocketAddress front;

  abstract Transport transport();

  private void start(TestBackend server) {
    backend = server;
    balancer =
        Balancer.builder()
            .transport(transport())
            .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
            .backend("bk", b -> b.server("s1", server.hostPort()))
            .start();
    front = balancer.boundAddresses("ft").get(0);
  }

  @AfterEach
  void tearDown() {
    if (balancer != null) {
      balancer.close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  @Test
  void relays256MebibytesEachWayAtOnceIntact() throws Exception {
    start(TestBackend.greeting("s1"));
    long size = 256 * MIB;
    try (Socket socket = TestClient.connect(front)) {
      assertThat(TestClient.readLine(socket)).isEqualTo("s1");
      CompletableFuture<Long> sent =
          CompletableFuture.supplyAsync(() -> send(socket, size, new Random(42)));
      CRC32 received = new CRC32();
      long count = 0;
      byte[] buffer = new byte[64 * 1024];
      InputStream in = socket.getInputStream();
      while (count < size) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, size - count));
        assertThat(n).as("bytes after %d", count).isPositive();
        received.update(buffer, 0, n);
        count += n;
      }

      assertThat(received.getValue()).isEqualTo(sent.get(60, TimeUnit.SECONDS));
      socket.shutdownOutput();
      assertThat(TestClient.readLine(socket)).isEqualTo("bye from s1");
      assertThat(in.read()).isEqualTo(-1);
    }
    await().until(() -> balancer.stats().backend("bk").traffic().current() == 0);
    Traffic traffic = balancer.stats().backend("bk").server("s1").traffic();
    assertThat(traffic.bytesIn()).isEqualTo(size);
    assertThat(traffic.bytesOut()).isEqualTo(size + "s1\nbye from s1\n".length());
  }

  /** Writes {@code size} pseudo-random bytes; returns their CRC32. */
  private static long send(Socket socket, long size, Random random) {
    CRC32 crc = new CRC32();
    byte[] chunk = new byte[64 * 1024];
    try {
      OutputStream out = socket.getOutputStream();
      for (long sent = 0; sent < size; sent += chunk.length) {
        random.nextBytes(chunk);
        crc.update(chunk);
        out.write(chunk);
      }
      out.flush();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return crc.getValue();
  }

  @Test
  void clientHalfCloseStillReceivesTheServersAnswer() throws Exception {
    start(TestBackend.greeting("s1"));
    try (Socket socket = TestClient.connect(front)) {
      assertThat(TestClient.readLine(socket)).isEqualTo("s1");
      socket.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
      socket.shutdownOutput();

      assertThat(TestClient.readLine(socket)).isEqualTo("hello");
      assertThat(TestClient.readLine(socket)).isEqualTo("bye from s1");
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void clientResetReachesTheServerAsReset() throws Exception {
    Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
    start(TestBackend.start("s1", () -> new RecordingServer(null, errors)));
    Socket socket = TestClient.connect(front);
    socket.getOutputStream().write("x".getBytes(StandardCharsets.US_ASCII));
    await().until(() -> backend.open() == 1);
    socket.setSoLinger(true, 0);
    socket.close();

    await().untilAsserted(() -> assertThat(errors).anySatisfy(
        e -> assertThat(e).hasMessageContaining("reset")));
  }

  @Test
  void serverResetReachesTheClientAsReset() throws Exception {
    start(TestBackend.start("s1", () -> new ResettingServer(null)));
    try (Socket socket = TestClient.connect(front)) {
      socket.getOutputStream().write("rst\n".getBytes(StandardCharsets.US_ASCII));

      assertThatThrownBy(() -> socket.getInputStream().read())
          .isInstanceOf(SocketException.class)
          .hasMessageContaining("reset");
    }
  }

  /**
   * Clients that reset at once, before sending anything, in front of a server that streams and
   * closes: every session ends and no socket is left half-open towards the server.
   */
  @Test
  void clientsThatResetAtOnceLeaveNoSessionBehind() throws Exception {
    start(TestBackend.start("s1", () -> new StreamingServer(10 * (int) MIB)));
    for (int i = 0; i < 50; i++) {
      Socket socket = new Socket();
      socket.connect(front, 5_000);
      socket.setSoLinger(true, 0);
      socket.close();
    }
    await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
      assertThat(balancer.stats().frontend("ft").traffic().current()).isZero();
      assertThat(backend.open()).isZero();
    });
  }
}
