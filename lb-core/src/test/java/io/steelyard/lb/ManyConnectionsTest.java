package io.steelyard.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steelyard.lb.schedule.Balance;
import io.steelyard.lb.testing.FileLimit;
import io.steelyard.lb.testing.LoadPeer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Ten thousand connections open at once through one balancer. The clients and backends run in a
 * {@link LoadPeer} process, so that the balancer has this JVM's descriptors to itself: two per
 * connection. Where the hard limit cannot give 20,000 plus a margin (a sandbox without
 * CAP_SYS_RESOURCE), the test holds as many as the limit allows and says so.
 */
class ManyConnectionsTest {
  private static final int CONNECTIONS = 10_000;
  private static final int MARGIN = 400;

  @Test
  void holdsTenThousandConcurrentConnections() throws Exception {
    long limit = FileLimit.raiseTowards(2L * CONNECTIONS + MARGIN);
    int connections = (int) Math.min(CONNECTIONS, (limit - MARGIN) / 2);
    System.out.printf("holding %d concurrent connections (open-file limit %d)%n", connections, limit);
    assertThat(connections).as("connections this machine's file limit allows").isGreaterThan(9_000);

    Process peer =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Xss256k",
                LoadPeer.class.getName())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try (BufferedReader from = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.US_ASCII));
        PrintStream to = new PrintStream(peer.getOutputStream(), true, StandardCharsets.US_ASCII)) {
      String[] ports = from.readLine().split(" ");
      try (Balancer balancer =
          Balancer.builder()
              .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
              .backend("bk", b -> b.balance(Balance.leastConn())
                  .server("s1", "127.0.0.1:" + ports[1]).server("s2", "127.0.0.1:" + ports[2]))
              .start()) {
        to.println("connect " + balancer.boundAddresses("ft").get(0).getPort() + " " + connections);

        String report = from.readLine();
        int half = connections / 2;
        assertThat(report)
            .isIn(
                "connected " + connections + " s1=" + half + " s2=" + (connections - half),
                "connected " + connections + " s1=" + (connections - half) + " s2=" + half);
        assertThat(balancer.stats().frontend("ft").traffic().current()).isEqualTo(connections);

        to.println("close");
        assertThat(from.readLine()).isEqualTo("closed");
        await().atMost(Duration.ofSeconds(60))
            .until(() -> balancer.stats().frontend("ft").traffic().current() == 0);
        assertThat(balancer.stats().frontend("ft").traffic().total()).isEqualTo(connections);
      }
    } finally {
      peer.destroy();
      peer.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
