package io.steelyard.lb.cli;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.steelyard.lb.Balancer;
import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.TestClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that misbehave on the stats socket (many at once, garbage, a 1 MiB line, one that never
 * reads): each gets an error or is cut off, the socket keeps answering, and the balancer keeps
 * forwarding meanwhile.
 */
class StatsSocketAbuseTest {
  @TempDir Path dir;
  private TestBackend s1;
  private TestBackend s2;
  private Balancer balancer;
  private Path socket;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicInteger forwarded = new AtomicInteger();
  private CompletableFuture<Void> traffic;

  @BeforeEach
  void start() {
    s1 = TestBackend.greeting("s1");
    s2 = TestBackend.greeting("s2");
    socket = dir.resolve("admin.sock");
    balancer =
        Balancer.builder()
            .drainTimeout(ofSeconds(1))
            .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
            .backend("bk", b -> b.server("s1", s1.hostPort()).server("s2", s2.hostPort()))
            .attach(StatsSocket.unix(socket).level(Level.ADMIN).timeout(ofSeconds(2)))
            .start();
    InetSocketAddress front = balancer.boundAddresses("ft").get(0);
    // Clients one after another through the balancer, bounded in count and time.
    traffic = CompletableFuture.runAsync(() -> {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      for (int i = 0; i < 100_000 && !stop.get() && System.nanoTime() < deadline; i++) {
        try {
          assertThat(TestClient.whoAnswers(front, TestClient.loopback(2 + i % 50))).startsWith("s");
          forwarded.incrementAndGet();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    });
  }

  @AfterEach
  void stop() {
    stop.set(true);
    traffic.join();
    balancer.close();
    s1.close();
    s2.close();
  }

  /** Asserts that clients still go through the balancer now. */
  private void trafficFlows() throws InterruptedException {
    int before = forwarded.get();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (forwarded.get() < before + 20 && System.nanoTime() < deadline && !traffic.isDone()) {
      Thread.sleep(10);
    }
    assertThat(traffic).as("no client of the balancer failed").isNotCompletedExceptionally();
    assertThat(forwarded.get()).as("clients keep going through").isGreaterThanOrEqualTo(before + 20);
  }

  private SocketChannel connect() throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    channel.connect(UnixDomainSocketAddress.of(socket));
    return channel;
  }

  /** Sends {@code request}, half-closes, and reads the whole answer until the socket closes it. */
  private String exchange(byte[] request) throws IOException {
    try (SocketChannel channel = connect()) {
      ByteBuffer out = ByteBuffer.wrap(request);
      try {
        while (out.hasRemaining()) {
          channel.write(out);
        }
        channel.shutdownOutput();
      } catch (IOException cutOff) {
        // The socket closed while we were still sending: what it answered is still readable.
      }
      return readAll(channel);
    }
  }

  private static String readAll(SocketChannel channel) throws IOException {
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    ByteBuffer in = ByteBuffer.allocate(8192);
    try {
      while (channel.read(in) >= 0) {
        answer.write(in.array(), 0, in.position());
        in.clear();
      }
    } catch (IOException reset) {
      // A connection cut off may end with a reset.
    }
    return answer.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void manyClientsAtOnceAllGetTheirAnswer() throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(40);
    try {
      List<Future<String>> answers = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        String command = i % 2 == 0 ? "show stat\n" : "show info;show cli level\n";
        answers.add(clients.submit(() -> exchange(command.getBytes(StandardCharsets.US_ASCII))));
      }
      for (int i = 0; i < answers.size(); i++) {
        String answer = answers.get(i).get(30, TimeUnit.SECONDS);
        if (i % 2 == 0) {
          assertThat(answer).startsWith("# pxname,svname,").contains("\nbk,BACKEND,").endsWith(",\n\n");
        } else {
          assertThat(answer).startsWith("Name: Steelyard\n").endsWith("\n\nadmin\n\n");
        }
      }
    } finally {
      clients.shutdownNow();
    }
    trafficFlows();
  }

  @Test
  void garbageGetsAnErrorAndALineOverTheLimitIsCutOff() throws Exception {
    byte[] garbage = new byte[4000];
    new Random(8).nextBytes(garbage);
    for (int i = 0; i < garbage.length; i++) {
      if (garbage[i] == '\n' || garbage[i] == ';') {
        garbage[i] = 'x';
      }
    }
    garbage[0] = 'q'; // not a command, whatever follows
    garbage[garbage.length - 1] = '\n';
    assertThat(exchange(garbage)).startsWith("Unknown command").endsWith("\n\n");

    byte[] megabyte = new byte[1 << 20];
    Arrays.fill(megabyte, (byte) 'a');
    assertThat(exchange(megabyte)).as("a 1 MiB line: closed without an answer").isEmpty();
    byte[] justOver = new byte[StatsSocket.MAX_LINE + 1];
    Arrays.fill(justOver, (byte) ' ');
    justOver[justOver.length - 1] = '\n';
    assertThat(exchange(justOver)).isEmpty();
    byte[] justUnder = ("show cli level" + " ".repeat(StatsSocket.MAX_LINE - 16) + "\n").getBytes(StandardCharsets.US_ASCII);
    assertThat(justUnder).hasSize(StatsSocket.MAX_LINE - 1);
    assertThat(exchange(justUnder)).isEqualTo("admin\n\n");
    trafficFlows();
  }

  @Test
  void manyMegabyteLinesAtOnceLeaveTheBalancerAndTheSocketWorking() throws Exception {
    byte[] megabyte = new byte[1 << 20];
    Arrays.fill(megabyte, (byte) 'z');
    ExecutorService clients = Executors.newFixedThreadPool(20);
    try {
      List<Future<String>> answers = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        answers.add(clients.submit(() -> exchange(megabyte)));
      }
      for (Future<String> answer : answers) {
        assertThat(answer.get(30, TimeUnit.SECONDS)).isEmpty();
      }
    } finally {
      clients.shutdownNow();
    }
    assertThat(exchange("show cli level\n".getBytes(StandardCharsets.US_ASCII))).isEqualTo("admin\n\n");
    trafficFlows();
  }

  @Test
  void aClientThatNeverReadsIsNotReadEitherAndTimesOut() throws Exception {
    String line = "show stat;".repeat(1600) + "\n";
    try (SocketChannel sleeper = connect()) {
      // 200 lines of 1600 commands: 3.2 MB asking for about 500 MB of answers.
      ByteBuffer out = ByteBuffer.wrap(line.repeat(200).getBytes(StandardCharsets.US_ASCII));
      sleeper.configureBlocking(false);
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1000);
      while (out.hasRemaining() && System.nanoTime() < deadline) {
        if (sleeper.write(out) == 0) {
          Thread.sleep(10);
        }
      }
      assertThat(out.hasRemaining())
          .as("the socket stops reading a client that does not read its answers").isTrue();
      // Meanwhile others are answered and traffic flows.
      assertThat(exchange("show cli level\n".getBytes(StandardCharsets.US_ASCII))).isEqualTo("admin\n\n");
      trafficFlows();
      // Stuck for the socket's 2 s timeout: closed.
      sleeper.configureBlocking(true);
      Thread.sleep(3000);
      ByteBuffer in = ByteBuffer.allocate(1 << 16);
      long read = 0;
      int n;
      try {
        while ((n = sleeper.read(in)) >= 0) {
          read += n;
          in.clear();
        }
      } catch (IOException reset) {
        n = -1;
      }
      assertThat(n).as("closed by the socket").isEqualTo(-1);
      assertThat(read).as("it got only what was written before it stopped reading")
          .isLessThan(10L << 20);
    }
  }
}
