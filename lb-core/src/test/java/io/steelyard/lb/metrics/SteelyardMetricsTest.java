package io.steelyard.lb.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.steelyard.lb.Balancer;
import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.TestClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The balancer's meters in a Micrometer registry: named, tagged and counting as it forwards. */
class SteelyardMetricsTest {
  @Test
  void theMetersCountWhatTheBalancerForwards() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (TestBackend s1 = TestBackend.greeting("s1");
        Balancer balancer = Balancer.builder()
            .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
            .backend("bk", b -> b.server("s1", s1.hostPort(), s -> s.weight(3)))
            .start()) {
      new SteelyardMetrics(balancer).bindTo(registry);
      assertThat(TestClient.whoAnswers(balancer.boundAddresses("ft").get(0), null)).isEqualTo("s1");

      await().atMost(Duration.ofSeconds(3)).until(() ->
          registry.get("steelyard.frontend.connections").tag("frontend", "ft").functionCounter().count() == 1);
      assertThat(registry.get("steelyard.server.connections").tags("backend", "bk", "server", "s1")
          .functionCounter().count()).isEqualTo(1);
      assertThat(registry.get("steelyard.frontend.bytes.out").tag("frontend", "ft").functionCounter().count())
          .as("the greeting and the goodbye of s1's half-close").isEqualTo(15);
      assertThat(registry.get("steelyard.frontend.bytes.out").functionCounter().getId().getBaseUnit())
          .isEqualTo("bytes");
      assertThat(registry.get("steelyard.server.weight").tags("backend", "bk", "server", "s1").gauge().value())
          .isEqualTo(3);
      assertThat(registry.get("steelyard.server.up").tag("server", "s1").gauge().value()).isEqualTo(1);
      assertThat(registry.get("steelyard.backend.up").tag("backend", "bk").gauge().value()).isEqualTo(1);
      assertThat(registry.get("steelyard.logs.dropped").functionCounter().count()).isZero();
      assertThat(registry.get("steelyard.frontend.connections.max").tag("frontend", "ft").gauge().value())
          .isEqualTo(1);
      assertThat(registry.get("steelyard.server.connections.max").tag("server", "s1").gauge().value())
          .isEqualTo(1);
      assertThat(registry.get("steelyard.backend.queued.max").tag("backend", "bk").gauge().value())
          .isZero();
      assertThat(registry.get("steelyard.backend.aborts").tags("backend", "bk", "by", "client")
          .functionCounter().count() + registry.get("steelyard.backend.aborts")
          .tags("backend", "bk", "by", "server").functionCounter().count()).isBetween(0.0, 1.0);
      assertThat(registry.get("steelyard.server.total.time").tag("server", "s1").gauge().value())
          .isGreaterThanOrEqualTo(0.0);
    }
  }
}
