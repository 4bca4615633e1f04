package io.steelyard.lb;

import static io.steelyard.lb.testing.Streams.drain;
import static io.steelyard.lb.testing.Streams.receive;
import static io.steelyard.lb.testing.Streams.send;
import static io.steelyard.lb.testing.Streams.sendAsync;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.steelyard.lb.stats.Traffic;
import io.steelyard.lb.testing.BlockingServer;
import io.steelyard.lb.config.TcpKeepAlive;
import io.steelyard.lb.testing.FileLimit;
import io.steelyard.lb.testing.KeepAliveTimers;
import io.steelyard.lb.testing.LoopHold;
import io.steelyard.lb.health.Check;
import io.steelyard.lb.health.CheckOutcome;
import io.steelyard.lb.health.CheckStatus;
import io.steelyard.lb.testing.RecordingServer;
import io.steelyard.lb.testing.ScriptedServer;
import io.steelyard.lb.testing.ResettingServer;
import io.steelyard.lb.testing.StreamingServer;
import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.TestClient;
import io.steelyard.lb.transport.Transport;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every transport must do for a session, through a running balancer on loopback: bytes intact
 * both ways at once, half-closes both ways in order after the last byte, resets both ways, early
 * bytes first, inactivity timeouts, and no session left behind. One suite, subclassed once per
 * transport (as Netty's testsuite does), which may add cases of its own.
 */
public abstract class TransportContractTest {
  protected static final long MIB = 1024 * 1024;

  protected TestBackend backend;
  protected Balancer balancer;
  /** Holds the event loop at the end of a chosen session; the frontend of oneLoopInFront logs to it. */
  private final LoopHold hold = new LoopHold();
  protected InetSocketAddress front;

  /** The transport under test. */
  protected abstract Transport transport();

  /** Whether the transport splices both directions, so that every relayed byte counts as spliced. */
  protected boolean splices() {
    return false;
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

  protected void start(String server) {
    start(server, f -> {}, b -> {}, s -> {});
  }

  protected void start(
      String server,
      Consumer<FrontendBuilder> frontend,
      Consumer<BackendBuilder> backendOptions,
      Consumer<ServerBuilder> serverOptions) {
    balancer =
        Balancer.builder()
            .transport(transport())
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

  /** The server's counters, once its last session has ended. */
  protected Traffic serverTraffic() {
    await().until(() -> balancer.stats().backend("bk").traffic().current() == 0);
    return balancer.stats().backend("bk").server("s1").traffic();
  }

  /** Checks the spliced counts: all of each direction when the transport splices, else none. */
  private void assertSplicedAll(Traffic traffic) {
    assertThat(traffic.splicedIn()).isEqualTo(splices() ? traffic.bytesIn() : 0);
    assertThat(traffic.splicedOut()).isEqualTo(splices() ? traffic.bytesOut() : 0);
  }

  @Test
  void relays256MebibytesEachWayAtOnceIntact() throws Exception {
    backend = TestBackend.greeting("s1");
    start(backend.hostPort());
    long size = 256 * MIB;
    try (Socket socket = TestClient.connect(front)) {
      assertThat(TestClient.readLine(socket)).isEqualTo("s1");
      CompletableFuture<Long> sent = sendAsync(socket, size, 42);

      assertThat(receive(socket, size)).isEqualTo(sent.get(60, TimeUnit.SECONDS));
      socket.shutdownOutput();
      assertThat(TestClient.readLine(socket)).isEqualTo("bye from s1");
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
    Traffic traffic = serverTraffic();
    assertThat(traffic.bytesIn()).isEqualTo(size);
    assertThat(traffic.bytesOut()).isEqualTo(size + "s1\nbye from s1\n".length());
    assertSplicedAll(traffic);
    Traffic frontend = balancer.stats().frontend("ft").traffic();
    assertThat(frontend.bytesIn()).isEqualTo(traffic.bytesIn());
    assertThat(frontend.splicedOut()).isEqualTo(traffic.splicedOut());
  }

  @Test
  void clientHalfCloseStillReceivesTheServersAnswer() throws Exception {
    backend = TestBackend.greeting("s1");
    start(backend.hostPort());
    try (Socket socket = TestClient.connect(front)) {
      assertThat(TestClient.readLine(socket)).isEqualTo("s1");
      socket.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
      socket.shutdownOutput();

      assertThat(TestClient.readLine(socket)).isEqualTo("hello");
      assertThat(TestClient.readLine(socket)).isEqualTo("bye from s1");
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
    assertSplicedAll(serverTraffic());
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
      start(server.hostPort());
      try (Socket socket = TestClient.connect(front)) {
        assertThat(TestClient.readLine(socket)).isEqualTo("ready");
        long crc = send(socket, size, 7);
        socket.shutdownOutput();

        assertThat(TestClient.readLine(socket)).isEqualTo(size + " " + crc);
        assertThat(socket.getInputStream().read()).isEqualTo(-1);
      }
      server.awaitDone();
      Traffic traffic = serverTraffic();
      assertThat(traffic.bytesIn()).isEqualTo(size);
      assertSplicedAll(traffic);
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
      start(server.hostPort());
      try (Socket socket = TestClient.connect(front)) {
        sleep(300);
        assertThat(receive(socket, size)).isEqualTo(sentCrc.get(30, TimeUnit.SECONDS));
        assertThat(socket.getInputStream().read()).isEqualTo(-1);
        socket.getOutputStream().write("thanks\n".getBytes(StandardCharsets.US_ASCII));

        assertThat(heard.get(10, TimeUnit.SECONDS)).isEqualTo("thanks");
      }
      server.awaitDone();
      Traffic traffic = serverTraffic();
      assertThat(traffic.bytesOut()).isEqualTo(size);
      assertSplicedAll(traffic);
    }
  }

  /**
   * The client half-closes at once and reads the answer only later, so the balancer must wait to
   * write to a socket whose input has ended (which Netty 4.2.18's epoll alone cannot: see the epoll
   * transport).
   */
  @Test
  void aLargeAnswerReachesAClientThatHalfClosedAndReadsLate() throws Exception {
    long size = 64L * MIB;
    CompletableFuture<Long> sentCrc = new CompletableFuture<>();
    try (BlockingServer server = new BlockingServer(socket -> {
          socket.getOutputStream().write("ready\n".getBytes(StandardCharsets.US_ASCII));
          assertThat(TestClient.readLine(socket)).isEqualTo("request");
          assertThat(socket.getInputStream().read()).isEqualTo(-1);
          sentCrc.complete(send(socket, size, 13));
        })) {
      start(server.hostPort());
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
      assertThat(traffic.bytesOut()).isEqualTo(size + "ready\n".length());
      assertSplicedAll(traffic);
    }
  }

  @Test
  void clientInactivityClosesTheConnection() throws Exception {
    backend = TestBackend.greeting("s1");
    start(backend.hostPort(),
        f -> f.clientTimeout(ofMillis(400)), b -> b.serverTimeout(ofSeconds(30)), s -> {});

    assertClosedAfterIdle(400);
    await().until(() -> backend.open() == 0);
  }

  @Test
  void serverInactivityClosesTheConnection() throws Exception {
    backend = TestBackend.greeting("s1");
    start(backend.hostPort(),
        f -> f.clientTimeout(ofSeconds(30)), b -> b.serverTimeout(ofMillis(400)), s -> {});

    assertClosedAfterIdle(400);
    await().until(() -> backend.open() == 0);
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
   * Relayed bytes count as activity: a conversation three times longer than both timeouts goes
   * on, and the timeout still closes the connection once it stops.
   */
  @Test
  void trafficKeepsTheConnectionAlive() throws Exception {
    backend = TestBackend.greeting("s1");
    start(backend.hostPort(),
        f -> f.clientTimeout(ofMillis(500)), b -> b.serverTimeout(ofMillis(500)), s -> {});
    try (Socket socket = TestClient.connect(front)) {
      assertThat(TestClient.readLine(socket)).isEqualTo("s1");
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_500);
      int lines = 0;
      while (System.nanoTime() < until) {
        sleep(100);
        socket.getOutputStream().write(("line " + lines + "\n").getBytes(StandardCharsets.US_ASCII));
        assertThat(TestClient.readLine(socket)).isEqualTo("line " + lines);
        lines++;
      }
      // The last echo was read just now: the connection has been idle since.
      long idleSince = System.nanoTime();
      assertThat(socket.getInputStream().read()).isEqualTo(-1);

      assertThat((System.nanoTime() - idleSince) / 1_000_000).isBetween(400L, 5_000L);
      assertThat(lines).isGreaterThan(10);
    }
    assertSplicedAll(serverTraffic());
  }

  /**
   * A client that sends before its server is connected (it waits in the queue behind another):
   * what the balancer read meanwhile goes first, then the rest.
   */
  @Test
  void bytesSentBeforeTheServerConnectsGoFirst() throws Exception {
    backend = TestBackend.greeting("s1");
    start(backend.hostPort(), f -> {}, b -> b.queueTimeout(ofSeconds(30)), s -> s.maxConn(1));
    long size = 4 * MIB;
    Socket first = TestClient.connect(front);
    try (Socket second = connectWhenServed(first)) {
      await().until(() -> balancer.stats().backend("bk").traffic().queued() == 1);
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
    if (splices()) {
      assertThat(traffic.splicedIn()).isPositive().isLessThan(size);
    }
  }

  /** A second client once {@code first} holds the server, so that the second one waits. */
  private Socket connectWhenServed(Socket first) throws IOException {
    assertThat(TestClient.readLine(first)).isEqualTo("s1");
    return TestClient.connect(front);
  }

  @Test
  void clientResetReachesTheServerAsReset() throws Exception {
    Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
    backend = TestBackend.start("s1", () -> new RecordingServer("hi", errors));
    start(backend.hostPort());
    Socket socket = TestClient.connect(front);
    assertThat(TestClient.readLine(socket)).isEqualTo("hi");
    socket.getOutputStream().write("x".getBytes(StandardCharsets.US_ASCII));
    await().until(() -> balancer.stats().backend("bk").traffic().bytesIn() == 1);
    socket.setSoLinger(true, 0);
    socket.close();

    await().untilAsserted(() -> assertThat(errors).anySatisfy(
        e -> assertThat(e).hasMessageContaining("reset")));
  }

  @Test
  void serverResetReachesTheClientAsReset() throws Exception {
    backend = TestBackend.start("s1", () -> new ResettingServer("hi"));
    start(backend.hostPort());
    try (Socket socket = TestClient.connect(front)) {
      assertThat(TestClient.readLine(socket)).isEqualTo("hi");
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
    backend = TestBackend.start("s1", () -> new StreamingServer(10 * MIB));
    start(backend.hostPort());
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

  /**
   * A client accepted in the same burst of events in which another session ends, while that
   * session's server has just sent its last bytes and its FIN, still hears its own server, to the
   * end. On one
   * event loop, with the loop held while the burst is set up: the ended session's client resets
   * (its two sockets close), the new client connects, the old server's FIN arrives. Netty's epoll
   * reports a burst by descriptor number, and the new server connection, opened at once, took the
   * number of the server socket just closed and was handed its end of input: Netty shut the
   * unconnected socket's input, which Linux keeps: the new server's answer, or its FIN, was never
   * read.
   */
  @Test
  void aClientAcceptedAsAnotherSessionEndsHearsItsServer() throws Exception {
    fiveBursts(
        ending -> {
          reset(ending.client());
          Socket newcomer = TestClient.connect(front);
          TestClient.writeLine(ending.server(), "last words");
          ending.server().shutdownOutput();
          return newcomer;
        },
        (round, newcomer, newcomersServer) -> {
          TestClient.writeLine(newcomersServer, "hello");
          newcomersServer.shutdownOutput();
          assertThat(TestClient.readLine(newcomer)).as("round %d", round).isEqualTo("hello");
          assertThat(newcomer.getInputStream().read()).as("round %d: the end", round).isEqualTo(-1);
        });
  }

  /**
   * A client accepted in the same burst of events in which another session ends, taking the
   * descriptor number of that session's client while that client's FIN is still in the burst,
   * keeps talking to its server as long as it likes. On one event loop, with the loop held while
   * the burst is set up: the ended session's server resets (its two sockets close), the new client
   * connects, the ended session's client sends its FIN. Netty's epoll reports a burst by descriptor
   * number, and the new client, registered at once, was handed the old client's end of input:
   * harmless while bytes are copied, but a spliced direction then believed its input ended at its
   * first read, so the server had its FIN before the client was done and the client was reset.
   */
  /**
   * {@code option clitcpka} and {@code srvtcpka}: the balancer's socket of each side probes after
   * its own idle time; the client's socket, which asked for nothing, has no keep-alive.
   */
  @Test
  void keepAliveProbesEachSideAfterItsOwnIdleTime() throws Exception {
    backend = TestBackend.greeting("s1");
    start(backend.hostPort(),
        f -> f.clientKeepAlive(new TcpKeepAlive(ofSeconds(70), ofSeconds(3), 4)),
        b -> b.serverKeepAlive(new TcpKeepAlive(ofSeconds(110), null, 0)),
        s -> {});
    try (Socket socket = TestClient.connect(front)) {
      assertThat(TestClient.readLine(socket)).isEqualTo("s1");
      InetSocketAddress client = (InetSocketAddress) socket.getLocalSocketAddress();
      InetSocketAddress server = backend.address();
      KeepAliveTimers timers = KeepAliveTimers.now();
      assertThat(timers.secondsLeft(front, client)).as("client side").isBetween(60.0, 70.0);
      assertThat(timers.secondsLeft(client, front)).as("the client's own socket").isNull();
      InetSocketAddress toServer = backend.peers().get(0); // the balancer's end, as s1 saw it
      assertThat(timers.secondsLeft(toServer, server)).as("server side").isBetween(100.0, 110.0);
    }
  }

  /**
   * A check writes its request from a heap buffer, which the relays never do: each transport must
   * still send it (the edge channel once handed a heap buffer's address to the kernel: EFAULT).
   */
  @Test
  void aHealthCheckExchangesItsBytesWithTheServer() throws Exception {
    try (ScriptedServer redis = ScriptedServer.thenClose(
        ScriptedServer.read(14), ScriptedServer.write("+PONG\r\n"))) {
      InetSocketAddress address = redis.address();
      start(address.getHostString() + ":" + address.getPort(), f -> {}, b -> b.check(Check.redis()),
          s -> s.check().inter(ofMillis(100)));
      await().atMost(ofSeconds(5)).until(() -> !redis.received().isEmpty());
      assertThat(new String(redis.received().get(0), StandardCharsets.US_ASCII))
          .isEqualTo("*1\r\n$4\r\nPING\r\n");
      await().atMost(ofSeconds(5)).untilAsserted(() ->
          assertThat(balancer.stats().backend("bk").server("s1").check().last())
              .isEqualTo(new CheckOutcome(CheckStatus.L7OK, 0, "Redis server is ok")));
    }
  }

  @Test
  void aClientAcceptedAsAnotherClientSendsItsFinKeepsTalking() throws Exception {
    fiveBursts(
        ending -> {
          reset(ending.server());
          Socket newcomer = TestClient.connect(front);
          ending.client().shutdownOutput();
          return newcomer;
        },
        (round, newcomer, newcomersServer) -> {
          for (String line : new String[] {"hello", "again"}) {
            TestClient.writeLine(newcomer, line);
            assertThat(TestClient.readLine(newcomersServer)).as("round %d", round).isEqualTo(line);
            TestClient.writeLine(newcomersServer, line + " back");
            assertThat(TestClient.readLine(newcomer)).as("round %d", round).isEqualTo(line + " back");
          }
          newcomer.shutdownOutput();
          assertThat(newcomersServer.getInputStream().read()).as("round %d: the end", round).isEqualTo(-1);
        });
  }

  /** Sets a burst of events up while the event loop is held; returns the newcomer it connected. */
  private interface Burst {
    Socket setUp(Through ending) throws Exception;
  }

  /** Checks, after the burst, that the newcomer and its server hear each other. */
  private interface Aftermath {
    void check(int round, Socket newcomer, Socket newcomersServer) throws Exception;
  }

  /**
   * Five rounds on one event loop, descriptor gaps filled: two sessions open (the ending one and
   * one more), the loop held once the second has been reset, {@code burst} set up meanwhile, then
   * {@code aftermath} checked on the newcomer and its server.
   */
  private void fiveBursts(Burst burst, Aftermath aftermath) throws Exception {
    try (ServerSocket server = oneLoopInFront()) {
      for (int round = 0; round < 5; round++) {
        try (Closeable gapsFilled = FileLimit.fillGaps()) {
          Through ending = through(server);
          Through holding = through(server);
          Socket newcomer;
          holdLoopOnceEnded(holding.client());
          try {
            newcomer = burst.setUp(ending);
          } finally {
            hold.release();
          }
          try (Socket newcomersServer = server.accept()) {
            newcomer.setSoTimeout(3_000);
            newcomersServer.setSoTimeout(3_000);
            aftermath.check(round, newcomer, newcomersServer);
          } finally {
            newcomer.close();
            ending.client().close();
            ending.server().close();
            holding.server().close();
          }
        }
      }
    }
  }

  /** A server, and {@link #balancer} in front of it on one event loop, listening at {@link #front}. */
  private ServerSocket oneLoopInFront() throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    server.setSoTimeout(10_000);
    balancer =
        Balancer.builder()
            .transport(transport())
            .ioThreads(1)
            .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk").log(hold))
            .backend("bk", b -> b.server("s1", "127.0.0.1:" + server.getLocalPort()))
            .start();
    front = balancer.boundAddresses("ft").get(0);
    return server;
  }

  /** A client through {@link #balancer} and the connection its server accepted. */
  private record Through(Socket client, Socket server) {}

  private Through through(ServerSocket server) throws IOException {
    Socket client = TestClient.connect(front);
    return new Through(client, server.accept());
  }

  /**
   * Resets {@code client} and returns once the event loop that logs the end of its session is held
   * there, until {@link #hold} is released.
   */
  private void holdLoopOnceEnded(Socket client) throws IOException, InterruptedException {
    hold.arm(line -> line.contains(":" + client.getLocalPort() + " ["));
    try {
      reset(client);
      hold.awaitHeld();
    } catch (IOException | InterruptedException | RuntimeException e) {
      hold.release();
      throw e;
    }
  }

  private static void reset(Socket socket) throws IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }

  protected static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
