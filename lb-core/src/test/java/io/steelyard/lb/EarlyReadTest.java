package io.steelyard.lb;

import static org.assertj.core.api.Assertions.assertThat;

import io.steelyard.lb.testing.EarlyReadTransport;
import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.TestClient;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A server connection that fails a read while it is still connecting (NIO's selector can wake such
 * a channel) does not end its session: the connect goes on and the client is served.
 */
class EarlyReadTest {

  @Test
  void aReadThatFailsWhileConnectingDoesNotEndTheSession() throws Exception {
    EarlyReadTransport.READS.set(0);
    try (TestBackend backend = TestBackend.greeting("s1");
        Balancer balancer =
            Balancer.builder()
                .transport(new EarlyReadTransport())
                .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
                .backend("bk", b -> b.retries(0).server("s1", backend.hostPort()))
                .start()) {
      for (int i = 0; i < 20; i++) {
        try (Socket socket = TestClient.connect(balancer.boundAddresses("ft").get(0))) {
          assertThat(TestClient.readLine(socket)).isEqualTo("s1");
          socket.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
          assertThat(TestClient.readLine(socket)).isEqualTo("hello");
        }
      }
      assertThat(EarlyReadTransport.READS.get()).as("early reads made").isPositive();
      assertThat(balancer.stats().backend("bk").traffic().connectErrors()).isZero();
    }
  }
}
