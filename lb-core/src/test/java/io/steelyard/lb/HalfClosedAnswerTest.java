package io.steelyard.lb;

import static org.assertj.core.api.Assertions.assertThat;

import io.steelyard.lb.testing.TestClient;
import io.steelyard.lb.transport.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A client that sends its request, half-closes and reads the answer only later: the balancer must
 * keep writing to a socket whose input has ended, waiting for room in it. Netty 4.2.18's epoll
 * alone cannot (the socket leaves the epoll set when it has nothing to read and nothing to write,
 * and the next wait for room fails), which the epoll transport works around.
 */
class HalfClosedAnswerTest {
  private static final long SIZE = 64L * 1024 * 1024;

  static Stream<Transport> transports() {
    return Stream.of(Transport.auto(), Transport.nio());
  }

  @ParameterizedTest
  @MethodSource("transports")
  void aLargeAnswerReachesAClientThatHalfClosedAndReadsLate(Transport transport) throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Long> sent = CompletableFuture.supplyAsync(() -> answer(listener));
      Balancer balancer =
          Balancer.builder()
              .transport(transport)
              .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
              .backend("bk", b -> b.server("s1", "127.0.0.1:" + listener.getLocalPort()))
              .start();
      try (Socket socket = TestClient.connect(balancer.boundAddresses("ft").get(0))) {
        socket.getOutputStream().write("request\n".getBytes(StandardCharsets.US_ASCII));
        socket.shutdownOutput();
        Thread.sleep(500);

        CRC32 received = new CRC32();
        byte[] buffer = new byte[64 * 1024];
        InputStream in = socket.getInputStream();
        long count = 0;
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          received.update(buffer, 0, n);
          count += n;
        }
        assertThat(count).isEqualTo(SIZE);
        assertThat(received.getValue()).isEqualTo(sent.get(30, TimeUnit.SECONDS));
      } finally {
        balancer.close();
      }
    }
  }

  /** Reads the request to its end, then sends {@code SIZE} bytes and closes; returns their CRC. */
  private static long answer(ServerSocket listener) {
    try (Socket socket = listener.accept()) {
      assertThat(TestClient.readLine(socket)).isEqualTo("request");
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
      CRC32 crc = new CRC32();
      byte[] chunk = new byte[64 * 1024];
      OutputStream out = socket.getOutputStream();
      for (long sent = 0; sent < SIZE; sent += chunk.length) {
        chunk[(int) (sent / chunk.length) % chunk.length]++;
        crc.update(chunk);
        out.write(chunk);
      }
      return crc.getValue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
