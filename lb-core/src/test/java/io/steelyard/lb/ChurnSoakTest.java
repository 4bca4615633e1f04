package io.steelyard.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steelyard.lb.testing.Churn;
import io.steelyard.lb.testing.FileLimit;
import io.steelyard.lb.testing.LogWatch;
import io.steelyard.lb.testing.ResettingServer;
import io.steelyard.lb.testing.StreamingServer;
import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.transport.Transport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A bounded soak of client churn through a running balancer (see {@link Churn}): every ordinary
 * exchange answered exactly, no exception thrown out of a handler, and afterwards no session left
 * and the process's descriptors back to where they were. Netty's leak detector runs at paranoid
 * for every test, and a leak fails the class. Run once per transport by its subclasses; {@code
 * -Dsoak.seconds=N} changes its length (30 s by default).
 */
public abstract class ChurnSoakTest {
  private static final long STREAM_SIZE = 1024 * 1024;
  /**
   * A traffic log line of a session that a client or server timeout ended: a client starved of
   * CPU for the 5 s timeout sees its download end early, which is the timeout doing its work.
   */
  private static final Predicate<String> TIMED_OUT =
      line -> line.contains("lb.traffic") && (line.contains(" cD ") || line.contains(" sD "));

  protected abstract Transport transport();

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void churnLeavesNothingBehind() throws Exception {
    Duration length = Duration.ofSeconds(Long.getLong("soak.seconds", 30));
    try (TestBackend echo = TestBackend.greeting("e");
        TestBackend stream = TestBackend.start("st", () -> new StreamingServer(STREAM_SIZE));
        TestBackend resetting = TestBackend.start("r", () -> new ResettingServer(null));
        Balancer balancer =
            Balancer.builder()
                .transport(transport())
                .defaults(d -> d.clientTimeout(Duration.ofSeconds(5)).serverTimeout(Duration.ofSeconds(5)))
                .frontend("ft_echo", f -> f.bind("127.0.0.1:0").defaultBackend("bk_echo").log())
                .frontend("ft_stream", f -> f.bind("127.0.0.1:0").defaultBackend("bk_stream").log())
                .frontend("ft_reset", f -> f.bind("127.0.0.1:0").defaultBackend("bk_reset").log())
                .backend("bk_echo", b -> b.server("e", echo.hostPort()))
                .backend("bk_stream", b -> b.server("st", stream.hostPort()))
                .backend("bk_reset", b -> b.server("r", resetting.hostPort()))
                .start()) {
      Churn churn =
          new Churn(front(balancer, "ft_echo"), "e", front(balancer, "ft_stream"), STREAM_SIZE,
              front(balancer, "ft_reset"));
      churn.run(2, Duration.ofSeconds(1));
      await().until(() -> sessions(balancer) == 0);
      long descriptors = FileLimit.openNow();

      Churn.Report report;
      List<String> timeouts;
      try (LogWatch log =
          new LogWatch(LogWatch.NETTY_TROUBLE.or(TIMED_OUT), line -> line.contains("lb.traffic"))) {
        report = churn.run(8, length);
        await().atMost(Duration.ofSeconds(20)).until(() -> sessions(balancer) == 0);
        assertThat(log.noted().stream().filter(LogWatch.NETTY_TROUBLE))
            .as("Netty's warnings and errors").isEmpty();
        timeouts = log.noted().stream().filter(TIMED_OUT).toList();
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> FileLimit.openNow() <= descriptors + 2);
      System.out.printf("soak on %s for %s: %s; sessions left %d; descriptors %d before, %d after%n",
          transport().name(), length, report, sessions(balancer), descriptors, FileLimit.openNow());
      assertThat(report.failures)
          .as("failed exchanges (sessions ended by a client or server timeout: %s)", timeouts)
          .isEmpty();
      assertThat(report.requests.get()).as("requests").isPositive();
      assertThat(report.transfers.get()).as("transfers").isPositive();
      assertThat(report.resets.get()).as("client resets").isPositive();
      assertThat(report.downloads.get()).as("downloads").isPositive();
      assertThat(report.serverResets.get()).as("server resets").isPositive();
    }
  }

  private static InetSocketAddress front(Balancer balancer, String frontend) {
    return balancer.boundAddresses(frontend).get(0);
  }

  private static long sessions(Balancer balancer) {
    return balancer.stats().frontends().stream().mapToLong(f -> f.traffic().current()).sum();
  }
}
