package io.steelyard.lb;

import static io.steelyard.lb.testing.Streams.receive;
import static io.steelyard.lb.testing.Streams.sendAsync;
import static org.assertj.core.api.Assertions.assertThat;

import io.steelyard.lb.stats.Traffic;
import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.TestClient;
import io.steelyard.lb.transport.Splice;
import io.steelyard.lb.transport.Transport;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The transport contract on the epoll transport with splice in both directions: every byte of the
 * shared cases counts as spliced. Added here: only the configured direction is spliced, {@code splice-auto} splices
 * only after a full read, and a splice that cannot start falls back to copying.
 */
class EpollSpliceTransportContractTest extends TransportContractTest {
  private Splice splice = Splice.BOTH;

  @Override
  protected Transport transport() {
    return Transport.epoll(splice);
  }

  @Override
  protected boolean splices() {
    return splice == Splice.BOTH;
  }

  /** Only the configured direction is spliced; the other is copied. */
  @Test
  void splicesOnlyTheConfiguredDirection() throws Exception {
    backend = TestBackend.greeting("s1");
    splice = Splice.REQUEST;
    start(backend.hostPort());
    echoEightMebibytes(5);
    Traffic traffic = serverTraffic();
    assertThat(traffic.splicedIn()).isEqualTo(8L * MIB);
    assertThat(traffic.splicedOut()).isZero();
    assertThat(traffic.bytesOut()).isEqualTo(8L * MIB + "s1\nbye from s1\n".length());
  }

  /**
   * {@code splice-auto}: a short exchange is copied and never makes a pipe; a stream is copied
   * until a read fills a buffer, then spliced, each direction on its own, intact across the change.
   */
  @Test
  void splicesAutomaticallyOnlyOnceAReadFillsABuffer() throws Exception {
    backend = TestBackend.greeting("s1");
    splice = Splice.AUTO;
    start(backend.hostPort());
    long pipesBefore = pipesOpen();
    try (Socket socket = TestClient.connect(front)) {
      assertThat(TestClient.readLine(socket)).isEqualTo("s1");
      socket.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(TestClient.readLine(socket)).isEqualTo("hello");
      assertThat(pipesOpen()).as("pipes of this process during a short exchange").isEqualTo(pipesBefore);
      socket.shutdownOutput();
      assertThat(TestClient.readLine(socket)).isEqualTo("bye from s1");
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
    Traffic shortOne = serverTraffic();
    assertThat(shortOne.splicedIn()).isZero();
    assertThat(shortOne.splicedOut()).isZero();

    echoEightMebibytes(7);
    Traffic both = serverTraffic();
    assertThat(both.bytesIn() - shortOne.bytesIn()).isEqualTo(8L * MIB);
    assertThat(both.splicedIn()).isPositive().isLessThan(8L * MIB);
    assertThat(both.splicedOut()).isPositive().isLessThan(8L * MIB);
  }

  /**
   * Without a maxconn, the descriptor limit leaves more connections to {@code splice-auto}, whose
   * short exchanges make no pipes, than to whole directions, which take two pipes each.
   */
  @Test
  void spliceAutoBudgetsFewerDescriptorsPerConnection() throws Exception {
    backend = TestBackend.greeting("s1");
    start(backend.hostPort());
    int whole = balancer.limits().maxConn();
    balancer.close();
    splice = Splice.AUTO;
    start(backend.hostPort());
    assertThat(balancer.limits().maxConn()).isGreaterThan(whole * 3 / 2);
  }

  /** Sends 8 MiB of {@code seed}'s bytes to the greeting server and back, then says goodbye. */
  private void echoEightMebibytes(long seed) throws Exception {
    try (Socket socket = TestClient.connect(front)) {
      assertThat(TestClient.readLine(socket)).isEqualTo("s1");
      CompletableFuture<Long> sent = sendAsync(socket, 8L * MIB, seed);
      assertThat(receive(socket, 8L * MIB)).isEqualTo(sent.get(30, TimeUnit.SECONDS));
      socket.shutdownOutput();
      assertThat(TestClient.readLine(socket)).isEqualTo("bye from s1");
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
  }

  /** The pipes this process holds open, from its descriptor table. */
  private static long pipesOpen() throws IOException {
    try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
      return descriptors.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).toString().startsWith("pipe:");
        } catch (IOException gone) {
          return false; // closed while listed
        }
      }).count();
    }
  }

  /**
   * A splice that fails before it moved a byte (no file descriptor is left for its pipe) gives the
   * direction back to the session, which copies it; the other direction goes on splicing.
   */
  @Test
  void aSpliceThatCannotStartFallsBackToCopying() throws Exception {
    backend = TestBackend.greeting("s1");
    start(backend.hostPort());
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
}
