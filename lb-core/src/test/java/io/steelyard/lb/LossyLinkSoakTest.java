package io.steelyard.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steelyard.lb.testing.Churn;
import io.steelyard.lb.testing.FileLimit;
import io.steelyard.lb.testing.NetworkNamespace;
import io.steelyard.lb.testing.Privileged;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The churn soak over a bad link. This kernel has no {@code netem} qdisc (nor loadable modules),
 * so the link is made bad with what it has, all inside namespaces that the test makes: the
 * balancer reaches the server, {@code socat} echoing in one namespace, through a router in
 * another, which drops 1% of the packets it forwards either way ({@code iptables -m statistic});
 * 2% of the packets each way take a second path, rate-limited by {@code tbf} so that they queue
 * and arrive late, out of order; the main path is rate-limited too, which delays whatever queues.
 * Transfers stay byte-exact and no session is left. {@code -Dsoak.seconds=N} changes its length
 * (20 s by default).
 *
 * <pre>
 * balancer (this JVM) 198.51.100.1 --- 198.51.100.2 router 203.0.113.1 ----- 203.0.113.2 server
 *                                                          192.0.2.1 (slow) - 192.0.2.2
 * </pre>
 */
@Privileged(tools = {"ip", "tc", "iptables", "socat"})
class LossyLinkSoakTest {
  private static final String LOSS = "0.01";
  private static final String DETOUR = "0.02";

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void transfersStayExactOverALossyReorderingLink() throws Exception {
    Duration length = Duration.ofSeconds(Long.getLong("soak.seconds", 20));
    String hostEnd = "sy-lossy" + ThreadLocalRandom.current().nextInt(1000);
    Process echo = null;
    try (NetworkNamespace router = NetworkNamespace.create("router");
        NetworkNamespace server = NetworkNamespace.create("echo")) {
      // The host's end goes with the router's namespace, and its route with it, however the test ends.
      NetworkNamespace.run(List.of(
          "ip", "link", "add", hostEnd, "type", "veth", "peer", "name", "up0", "netns", router.name()));
      NetworkNamespace.run(List.of("ip", "addr", "add", "198.51.100.1/24", "dev", hostEnd));
      NetworkNamespace.run(List.of("ip", "link", "set", hostEnd, "up"));
      router.addAddress("up0", "198.51.100.2/24");
      router.exec("ip", "link", "set", "up0", "up");
      NetworkNamespace.run(
          List.of("ip", "route", "add", "203.0.113.0/24", "via", "198.51.100.2", "dev", hostEnd));
      router.link("fast0", "203.0.113.1/24", server, "fast0", "203.0.113.2/24");
      router.link("slow0", "192.0.2.1/24", server, "slow0", "192.0.2.2/24");
      router.sysctl("net.ipv4.ip_forward", "1");
      server.exec("ip", "route", "add", "198.51.100.0/24", "via", "203.0.113.1");
      for (NetworkNamespace ns : List.of(router, server)) {
        ns.sysctl("net.ipv4.conf.all.rp_filter", "0");
        ns.sysctl("net.ipv4.conf.slow0.rp_filter", "0");
        ns.sysctl("net.ipv4.conf.fast0.rp_filter", "0");
        ns.exec("tc", "qdisc", "add", "dev", "fast0", "root", "tbf", "rate", "400mbit", "burst",
            "64kb", "latency", "20ms");
        ns.exec("tc", "qdisc", "add", "dev", "slow0", "root", "tbf", "rate", "20mbit", "burst",
            "3000", "latency", "50ms");
        ns.exec("ip", "rule", "add", "fwmark", "7", "lookup", "77");
      }
      router.exec("iptables", "-A", "FORWARD", "-m", "statistic", "--mode", "random",
          "--probability", LOSS, "-j", "DROP");
      router.exec("iptables", "-t", "mangle", "-A", "PREROUTING", "-i", "up0", "-m", "statistic",
          "--mode", "random", "--probability", DETOUR, "-j", "MARK", "--set-mark", "7");
      router.exec("ip", "route", "add", "203.0.113.2/32", "via", "192.0.2.2", "dev", "slow0",
          "table", "77");
      server.exec("iptables", "-t", "mangle", "-A", "OUTPUT", "-m", "statistic", "--mode",
          "random", "--probability", DETOUR, "-j", "MARK", "--set-mark", "7");
      server.exec("ip", "route", "add", "198.51.100.0/24", "via", "192.0.2.1", "dev", "slow0",
          "table", "77");
      echo =
          new ProcessBuilder(server.prefixed("socat", "TCP-LISTEN:7000,fork,reuseaddr", "EXEC:cat"))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      InetSocketAddress echoAddress = new InetSocketAddress("203.0.113.2", 7000);
      await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> echoes(echoAddress));

      try (Balancer balancer =
          Balancer.builder()
              .defaults(d -> d.clientTimeout(Duration.ofSeconds(10)).serverTimeout(Duration.ofSeconds(10)))
              .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
              .backend("bk", b -> b.server("echo", "203.0.113.2:7000"))
              .start()) {
        long descriptors = FileLimit.openNow();
        Churn churn = new Churn(balancer.boundAddresses("ft").get(0), null, null, 0, null);
        Churn.Report report = churn.run(6, length);
        await().atMost(Duration.ofSeconds(30))
            .until(() -> balancer.stats().frontend("ft").traffic().current() == 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> FileLimit.openNow() <= descriptors + 2);
        System.out.printf(
            "soak over a lossy link (%s lost, %s out of order) for %s: %s; descriptors %d before,"
                + " %d after%n",
            LOSS, DETOUR, length, report, descriptors, FileLimit.openNow());
        assertThat(report.failures).as("failed exchanges").isEmpty();
        assertThat(report.transfers.get()).as("transfers").isPositive();
        assertThat(report.requests.get()).as("requests").isPositive();
      }
    } finally {
      if (echo != null) {
        echo.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** Whether the echo server answers a line directly, without the balancer. */
  private static boolean echoes(InetSocketAddress address) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(address, 1_000);
      socket.setSoTimeout(2_000);
      socket.getOutputStream().write("up?\n".getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readNBytes(4), StandardCharsets.US_ASCII).equals("up?\n");
    }
  }
}
