package io.steelyard.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.TestClient;
import io.steelyard.lb.transport.Transport;
import org.junit.jupiter.api.Test;

/** Where connections to servers come from, and what a transport without TPROXY refuses. */
class SourceAddressTest {

  @Test
  void sourceBindsConnectionsToServersToALocalAddress() throws Exception {
    try (TestBackend server = TestBackend.greeting("s1");
        Balancer balancer =
            Balancer.builder()
                .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
                .backend("bk", b -> b.source("127.0.0.9").server("s1", server.hostPort()))
                .start()) {
      assertThat(TestClient.whoAnswers(balancer.boundAddresses("ft").get(0), null)).isEqualTo("s1");

      await().until(() -> !server.peers().isEmpty());
      assertThat(server.peers().get(0).getAddress().getHostAddress()).isEqualTo("127.0.0.9");
    }
  }

  @Test
  void transparencyNeedsTheTproxyTransport() {
    BalancerBuilder transparentFrontend =
        Balancer.builder()
            .transport(Transport.nio())
            .frontend("ft", f -> f.bind("127.0.0.1:0").transparent().defaultBackend("bk"))
            .backend("bk", b -> b.server("s1", "127.0.0.1:9"));
    assertThatThrownBy(transparentFrontend::start)
        .isInstanceOf(StartException.class)
        .hasMessage("frontend 'ft' is transparent, which the nio transport cannot do: "
            + "use the TPROXY transport (lb-tproxy, Tproxy.transport())");

    BalancerBuilder clientSource =
        Balancer.builder()
            .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
            .backend("bk", b -> b.sourceClientIp().server("s1", "127.0.0.1:9"));
    assertThatThrownBy(clientSource::start)
        .isInstanceOf(StartException.class)
        .hasMessageStartingWith("backend 'bk' uses the client's address as source, which the "
            + Transport.auto().name() + " transport cannot do");
  }
}
