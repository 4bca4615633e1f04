package io.steelyard.tproxy;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.steelyard.lb.BackendBuilder;
import io.steelyard.lb.Balancer;
import io.steelyard.lb.FrontendBuilder;
import io.steelyard.lb.ServerBuilder;
import io.steelyard.lb.stats.Traffic;
import io.steelyard.lb.testing.RecordingServer;
import io.steelyard.lb.testing.ResettingServer;
import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.TestClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The splice relay through a running balancer on loopback, with the TPROXY transport and no
 * transparency (so neither capabilities nor routing rules): bytes arrive intact and are counted as
 * spliced, half-closes and resets get through in order, inactivity timeouts see spliced traffic,
 * early data goes first, and a splice that cannot start falls back to copying.
 */
class SpliceRelayTest {
  private static final int MIB = 1024 * 1024;

  private TestBackend backend;
  private Balancer balancer;
  private InetSocketAddress front;

  @AfterEach
  void tearDown() {
    if (balancer != null) {
      balancer.close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  private void start(Splice splice, String server) {
    start(splice, server, f -> {}, b -> {}, s -> {});
  }

  private void start(
      Splice splice,
      String server,
      Consumer<FrontendBuilder> frontend,
      Consumer<BackendBuilder> backendOptions,
      Consumer<ServerBuilder> serverOptions) {
    balancer =
        Balancer.builder()
            .transport(Tproxy.transport().splice(splice))
            .frontend("ft", f -> {
              f.bind("127.0.0.1:0").defaultBackend("bk");
              frontend.accept(f);
            })
            .backend("bk", b -> {
              b.server("s1", server, serverOptions);
              backendOptions.accept(b);
            })
            .start();
    front = balancer.boundAddresses("ft").get(0);
  }

  private Traffic serverTraffic() {
    until(() -> balancer.stats().backend("bk").traffic().current() == 0);
    return balancer.stats().backend("bk").server("s1").traffic();
  }

  @Test
  void relays256MebibytesEachWayAtOnceIntactAndSplicesEveryByte() throws Exception {
    backend = TestBackend.greeting("s1");
    start(Splice.BOTH, backend.hostPort());
    long size = 256L * MIB;
    try (Socket socket = TestClient.connect(front)) {
      assertThat(TestClient.readLine(socket)).isEqualTo("s1");
      CompletableFuture<Long> sent = sendAsync(socket, size, 42);

      assertThat(receive(socket, size)).isEqualTo(sent.get(60, TimeUnit.SECONDS));
      socket.shutdownOutput();
      assertThat(TestClient.readLine(socket)).isEqualTo("bye from s1");
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
    Traffic traffic = serverTraffic();
    long answers = "s1\nbye from s1\n".length();
    assertThat(traffic.bytesIn()).isEqualTo(size);
    assertThat(traffic.splicedIn()).isEqualTo(size);
    assertThat(traffic.bytesOut()).isEqualTo(size + answers);
    assertThat(traffic.splicedOut()).isEqualTo(size + answers);
    Traffic frontend = balancer.stats().frontend("ft").traffic();
    assertThat(frontend.splicedIn()).isEqualTo(size);
    assertThat(frontend.splicedOut()).isEqualTo(size + answers);
  }

  @Test
  void clientHalfCloseStillReceivesTheServersAnswer() throws Exception {
    backend = TestBackend.greeting("s1");
    start(Splice.BOTH, backend.hostPort());
    try (Socket socket = TestClient.connect(front)) {
      assertThat(TestClient.readLine(socket)).isEqualTo("s1");
      socket.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
      socket.shutdownOutput();

      assertThat(TestClient.readLine(socket)).isEqualTo("hello");
      assertThat(TestClient.readLine(socket)).isEqualTo("bye from s1");
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
    assertThat(serverTraffic().splicedIn()).isEqualTo("hello\n".length());
  }

  /**
   * The client's FIN arrives while megabytes still wait in the balancer (the server reads nothing
   * for a while): the server gets every byte before its end of input.
   */
  @Test
  void clientHalfCloseAfterABulkUploadLeavesNoByteBehind() throws Exception {
    long size = 32L * MIB;
    try (BlockingServer server = new BlockingServer(socket -> {
          socket.getOutputStream().write("ready\n".getBytes(StandardCharsets.US_ASCII));
          sleep(300);
          long[] countAndCrc = drain(socket.getInputStream());
          socket.getOutputStream().write(
              (countAndCrc[0] + " " + countAndCrc[1] + "\n").getBytes(StandardCharsets.US_ASCII));
        })) {
      start(Splice.BOTH, server.hostPort());
      try (Socket socket = TestClient.connect(front)) {
        assertThat(TestClient.readLine(socket)).isEqualTo("ready");
        long crc = send(socket, size, 7);
        socket.shutdownOutput();

        assertThat(TestClient.readLine(socket)).isEqualTo(size + " " + crc);
        assertThat(socket.getInputStream().read()).isEqualTo(-1);
      }
      server.awaitDone();
      Traffic traffic = serverTraffic();
      assertThat(traffic.splicedIn()).isEqualTo(size);
      assertThat(traffic.splicedOut()).isEqualTo(traffic.bytesOut());
    }
  }

  /**
   * The server sends a bulk answer and half-closes: the client gets all of it, then the end, and
   * can still talk to the server.
   */
  @Test
  void serverHalfCloseReachesTheClientAfterItsLastByte() throws Exception {
    long size = 32L * MIB;
    CompletableFuture<Long> sentCrc = new CompletableFuture<>();
    CompletableFuture<String> heard = new CompletableFuture<>();
    try (BlockingServer server = new BlockingServer(socket -> {
          sentCrc.complete(send(socket, size, 9));
          socket.shutdownOutput();
          heard.complete(TestClient.readLine(socket));
        })) {
      start(Splice.BOTH, server.hostPort());
      try (Socket socket = TestClient.connect(front)) {
        sleep(300);
        assertThat(receive(socket, size)).isEqualTo(sentCrc.get(30, TimeUnit.SECONDS));
        assertThat(socket.getInputStream().read()).isEqualTo(-1);
        socket.getOutputStream().write("thanks\n".getBytes(StandardCharsets.US_ASCII));

        assertThat(heard.get(10, TimeUnit.SECONDS)).isEqualTo("thanks");
      }
      server.awaitDone();
      Traffic traffic = serverTraffic();
      assertThat(traffic.splicedOut()).isEqualTo(size);
      assertThat(traffic.splicedIn()).isEqualTo("thanks\n".length());
    }
  }

  /**
   * The client half-closes at once and reads the answer only later, so the balancer must wait to
   * write to a socket whose input has ended (which Netty 4.2.18 alone cannot).
   */
  @Test
  void aLargeAnswerReachesAClientThatHalfClosedAndReadsLate() throws Exception {
    long size = 32L * MIB;
    CompletableFuture<Long> sentCrc = new CompletableFuture<>();
    try (BlockingServer server = new BlockingServer(socket -> {
          socket.getOutputStream().write("ready\n".getBytes(StandardCharsets.US_ASCII));
          assertThat(TestClient.readLine(socket)).isEqualTo("request");
          assertThat(socket.getInputStream().read()).isEqualTo(-1);
          sentCrc.complete(send(socket, size, 13));
        })) {
      start(Splice.BOTH, server.hostPort());
      try (Socket socket = TestClient.connect(front)) {
        assertThat(TestClient.readLine(socket)).isEqualTo("ready");
        socket.getOutputStream().write("request\n".getBytes(StandardCharsets.US_ASCII));
        socket.shutdownOutput();
        sleep(500);

        assertThat(receive(socket, size)).isEqualTo(sentCrc.get(30, TimeUnit.SECONDS));
        assertThat(socket.getInputStream().read()).isEqualTo(-1);
      }
      server.awaitDone();
      Traffic traffic = serverTraffic();
      assertThat(traffic.splicedOut()).isEqualTo(size + "ready\n".length());
      assertThat(traffic.splicedIn()).isEqualTo("request\n".length());
    }
  }

  @Test
  void clientInactivityClosesASplicedConnection() throws Exception {
    backend = TestBackend.greeting("s1");
    start(Splice.BOTH, backend.hostPort(),
        f -> f.clientTimeout(ofMillis(400)), b -> b.serverTimeout(ofSeconds(30)), s -> {});

    assertClosedAfterIdle(400);
    until(() -> backend.open() == 0);
    assertThat(serverTraffic().splicedOut()).isEqualTo("s1\n".length());
  }

  @Test
  void serverInactivityClosesASplicedConnection() throws Exception {
    backend = TestBackend.greeting("s1");
    start(Splice.BOTH, backend.hostPort(),
        f -> f.clientTimeout(ofSeconds(30)), b -> b.serverTimeout(ofMillis(400)), s -> {});

    assertClosedAfterIdle(400);
    until(() -> backend.open() == 0);
    assertThat(serverTraffic().splicedOut()).isEqualTo("s1\n".length());
  }

  /** Talks once, then stays silent: the balancer must close after about {@code timeout} ms. */
  private void assertClosedAfterIdle(long timeout) throws Exception {
    try (Socket socket = TestClient.connect(front)) {
      assertThat(TestClient.readLine(socket)).isEqualTo("s1");
      long idleSince = System.nanoTime();
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
      long idleMillis = (System.nanoTime() - idleSince) / 1_000_000;

      assertThat(idleMillis).isBetween(timeout - 100, timeout + 5_000);
    }
  }

  /**
   * Spliced bytes count as activity: a conversation three times longer than both timeouts goes
   * on, and the timeout still closes the connection once it stops.
   */
  @Test
  void splicedTrafficKeepsTheConnectionAlive() throws Exception {
    backend = TestBackend.greeting("s1");
    start(Splice.BOTH, backend.hostPort(),
        f -> f.clientTimeout(ofMillis(500)), b -> b.serverTimeout(ofMillis(500)), s -> {});
    try (Socket socket = TestClient.connect(front)) {
      assertThat(TestClient.readLine(socket)).isEqualTo("s1");
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_500);
      int lines = 0;
      while (System.nanoTime() < until) {
        socket.getOutputStream().write(("line " + lines + "\n").getBytes(StandardCharsets.US_ASCII));
        assertThat(TestClient.readLine(socket)).isEqualTo("line " + lines);
        lines++;
        sleep(100);
      }
      long idleSince = System.nanoTime();
      assertThat(socket.getInputStream().read()).isEqualTo(-1);

      assertThat((System.nanoTime() - idleSince) / 1_000_000).isBetween(400L, 5_000L);
      assertThat(lines).isGreaterThan(10);
    }
    Traffic traffic = serverTraffic();
    assertThat(traffic.splicedIn()).isEqualTo(traffic.bytesIn()).isPositive();
  }

  /**
   * A client that sends before its server is connected (it waits in the queue behind another):
   * what the balancer read meanwhile is copied, and goes before what is spliced after it.
   */
  @Test
  void bytesSentBeforeTheServerConnectsGoFirst() throws Exception {
    backend = TestBackend.greeting("s1");
    start(Splice.BOTH, backend.hostPort(),
        f -> {}, b -> b.queueTimeout(ofSeconds(30)), s -> s.maxConn(1));
    int size = 4 * MIB;
    Socket first = TestClient.connect(front);
    try (Socket second = connectWhenServed(first)) {
      until(() -> balancer.stats().backend("bk").traffic().queued() == 1);
      CompletableFuture<Long> sent = sendAsync(second, size, 11);
      sleep(200);
      first.close();

      assertThat(TestClient.readLine(second)).isEqualTo("s1");
      assertThat(receive(second, size)).isEqualTo(sent.get(30, TimeUnit.SECONDS));
    } finally {
      first.close();
    }
    Traffic traffic = serverTraffic();
    assertThat(traffic.bytesIn()).isEqualTo(size);
    assertThat(traffic.splicedIn()).isPositive().isLessThan(size);
  }

  /** A second client once {@code first} holds the server, so that the second one waits. */
  private Socket connectWhenServed(Socket first) throws IOException {
    assertThat(TestClient.readLine(first)).isEqualTo("s1");
    return TestClient.connect(front);
  }

  /** Only the configured direction is spliced; the other is copied. */
  @Test
  void splicesOnlyTheConfiguredDirection() throws Exception {
    backend = TestBackend.greeting("s1");
    start(Splice.REQUEST, backend.hostPort());
    try (Socket socket = TestClient.connect(front)) {
      assertThat(TestClient.readLine(socket)).isEqualTo("s1");
      CompletableFuture<Long> sent = sendAsync(socket, 8L * MIB, 5);
      assertThat(receive(socket, 8L * MIB)).isEqualTo(sent.get(30, TimeUnit.SECONDS));
      socket.shutdownOutput();
      assertThat(TestClient.readLine(socket)).isEqualTo("bye from s1");
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
    Traffic traffic = serverTraffic();
    assertThat(traffic.splicedIn()).isEqualTo(8L * MIB);
    assertThat(traffic.splicedOut()).isZero();
    assertThat(traffic.bytesOut()).isEqualTo(8L * MIB + "s1\nbye from s1\n".length());
  }

  /**
   * A splice that fails before it moved a byte (no file descriptor is left for its pipe) gives the
   * direction back to the session, which copies it; the other direction goes on splicing.
   */
  @Test
  void aSpliceThatCannotStartFallsBackToCopying() throws Exception {
    backend = TestBackend.greeting("s1");
    start(Splice.BOTH, backend.hostPort());
    try (Socket socket = TestClient.connect(front)) {
      // The greeting was spliced, so the answer's pipe exists; the request's is made at its first
      // byte, which comes while this process can open no more files.
      assertThat(TestClient.readLine(socket)).isEqualTo("s1");
      FileLimitLowered lowered = FileLimitLowered.toOpenFiles();
      try {
        socket.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(TestClient.readLine(socket)).isEqualTo("hello");
      } finally {
        lowered.close();
      }
      socket.getOutputStream().write("again\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(TestClient.readLine(socket)).isEqualTo("again");
      socket.shutdownOutput();
      assertThat(TestClient.readLine(socket)).isEqualTo("bye from s1");
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
    Traffic traffic = serverTraffic();
    assertThat(traffic.bytesIn()).isEqualTo("hello\nagain\n".length());
    assertThat(traffic.splicedIn()).isZero();
    assertThat(traffic.splicedOut()).isEqualTo(traffic.bytesOut());
  }

  @Test
  void clientResetReachesTheServerAsReset() throws Exception {
    Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
    backend = TestBackend.start("s1", () -> new RecordingServer("hi", errors));
    start(Splice.BOTH, backend.hostPort());
    Socket socket = TestClient.connect(front);
    assertThat(TestClient.readLine(socket)).isEqualTo("hi");
    socket.getOutputStream().write("x".getBytes(StandardCharsets.US_ASCII));
    until(() -> balancer.stats().backend("bk").traffic().splicedIn() == 1);
    socket.setSoLinger(true, 0);
    socket.close();

    until(() -> errors.stream().anyMatch(
        e -> e.getMessage() != null && e.getMessage().contains("reset")));
  }

  @Test
  void serverResetReachesTheClientAsReset() throws Exception {
    backend = TestBackend.start("s1", () -> new ResettingServer("hi"));
    start(Splice.BOTH, backend.hostPort());
    try (Socket socket = TestClient.connect(front)) {
      assertThat(TestClient.readLine(socket)).isEqualTo("hi");
      socket.getOutputStream().write("rst\n".getBytes(StandardCharsets.US_ASCII));

      assertThatThrownBy(() -> socket.getInputStream().read())
          .isInstanceOf(SocketException.class)
          .hasMessageContaining("reset");
    }
  }

  // --- streams ---

  private static CompletableFuture<Long> sendAsync(Socket socket, long size, long seed) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return send(socket, size, seed);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** Writes {@code size} pseudo-random bytes (a multiple of 64 KiB); returns their CRC32. */
  static long send(Socket socket, long size, long seed) throws IOException {
    Random random = new Random(seed);
    CRC32 crc = new CRC32();
    byte[] chunk = new byte[64 * 1024];
    OutputStream out = socket.getOutputStream();
    for (long sent = 0; sent < size; sent += chunk.length) {
      random.nextBytes(chunk);
      crc.update(chunk);
      out.write(chunk);
    }
    out.flush();
    return crc.getValue();
  }

  /** Reads exactly {@code size} bytes; returns their CRC32. */
  static long receive(Socket socket, long size) throws IOException {
    CRC32 crc = new CRC32();
    byte[] buffer = new byte[64 * 1024];
    InputStream in = socket.getInputStream();
    for (long count = 0; count < size; ) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, size - count));
      assertThat(n).as("bytes after %d", count).isPositive();
      crc.update(buffer, 0, n);
      count += n;
    }
    return crc.getValue();
  }

  /** Reads to the end of the stream; returns the byte count and the CRC32. */
  private static long[] drain(InputStream in) throws IOException {
    CRC32 crc = new CRC32();
    byte[] buffer = new byte[64 * 1024];
    long count = 0;
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      crc.update(buffer, 0, n);
      count += n;
    }
    return new long[] {count, crc.getValue()};
  }

  /** Waits up to 10 s for {@code condition}. */
  private static void until(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited 10 s for a condition").isLessThan(deadline);
      sleep(10);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // --- peers ---

  /** A blocking loopback server for one connection, running {@code conversation} on its socket. */
  private static final class BlockingServer implements AutoCloseable {
    private final ServerSocket listener;
    private final CompletableFuture<Void> done;

    BlockingServer(Conversation conversation) throws IOException {
      listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      done = CompletableFuture.runAsync(() -> {
        try (Socket socket = listener.accept()) {
          socket.setSoTimeout(30_000);
          conversation.run(socket);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }

    String hostPort() {
      return "127.0.0.1:" + listener.getLocalPort();
    }

    void awaitDone() throws Exception {
      done.get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
      listener.close();
    }
  }

  private interface Conversation {
    void run(Socket socket) throws IOException;
  }
}
