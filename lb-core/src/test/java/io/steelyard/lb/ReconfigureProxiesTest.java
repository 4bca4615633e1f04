package io.steelyard.lb;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.steelyard.lb.config.BalancerConfig;
import io.steelyard.lb.schedule.Balance;
import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.TestClient;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Balancer#reconfigure} with frontends and backends: added ones listen and serve at once,
 * removed ones stop listening while the connections they have go on, a frontend's addresses
 * change (the new one listens before the old one closes) and so does its default backend; an
 * address that cannot be bound undoes everything.
 */
class ReconfigureProxiesTest {
  private TestBackend s1;
  private TestBackend s2;
  private Balancer balancer;
  private InetSocketAddress first;
  private InetSocketAddress second;

  @BeforeEach
  void start() {
    s1 = TestBackend.greeting("s1");
    s2 = TestBackend.greeting("s2");
    first = TestBackend.refusingAddress();
    second = TestBackend.refusingAddress();
    balancer = builder(b -> {}).start();
  }

  /** ft on the first address to bk (s1), and what {@code more} adds. */
  private BalancerBuilder builder(Consumer<BalancerBuilder> more) {
    BalancerBuilder builder = Balancer.builder()
        .drainTimeout(ofSeconds(1))
        .frontend("ft", f -> f.bind(hostPort(first)).defaultBackend("bk"))
        .backend("bk", b -> b.balance(Balance.leastConn()).server("s1", s1.hostPort()));
    more.accept(builder);
    return builder;
  }

  private BalancerConfig with(Consumer<BalancerBuilder> more) {
    return builder(more).build();
  }

  private static String hostPort(InetSocketAddress address) {
    return "127.0.0.1:" + address.getPort();
  }

  @AfterEach
  void stop() {
    balancer.close();
    s1.close();
    s2.close();
  }

  @Test
  void anAddedFrontendAndBackendServeAtOnceAndWhenRemovedTheirConnectionsGoOn() throws Exception {
    Reconfiguration added = balancer.reconfigure(with(b -> b
        .frontend("ft2", f -> f.bind(hostPort(second)).defaultBackend("bk2"))
        .backend("bk2", bk -> bk.server("s2", s2.hostPort()))));
    assertThat(added.changes()).containsExactly("backend 'bk2' added", "frontend 'ft2' added");
    assertThat(TestClient.whoAnswers(second, null)).isEqualTo("s2");
    assertThat(balancer.stats().backend("bk2").server("s2").traffic().total()).isEqualTo(1);

    try (Socket open = TestClient.connect(second)) {
      assertThat(TestClient.readLine(open)).isEqualTo("s2");
      Reconfiguration removed = balancer.reconfigure(with(b -> {}));
      assertThat(removed.changes()).containsExactly(
          "frontend 'ft2' removed (its connections go on)",
          "backend 'bk2' removed (its connections go on)");
      assertThatThrownBy(() -> TestClient.whoAnswers(second, null))
          .as("nothing listens there any more").isInstanceOf(ConnectException.class);
      TestClient.writeLine(open, "still there");
      assertThat(TestClient.readLine(open)).as("no connection is cut").isEqualTo("still there");
    }
    assertThat(balancer.stats().backends()).extracting(b -> b.name()).containsExactly("bk");
    assertThat(TestClient.whoAnswers(first, null)).isEqualTo("s1");
  }

  @Test
  void aNewAddressListensBeforeTheOldOneClosesAndTheDefaultBackendChanges() throws Exception {
    balancer.reconfigure(with(b -> b.backend("bk2", bk -> bk.server("s2", s2.hostPort()))));
    try (Socket open = TestClient.connect(first)) {
      assertThat(TestClient.readLine(open)).isEqualTo("s1");
      BalancerConfig moved = Balancer.builder()
          .drainTimeout(ofSeconds(1))
          .frontend("ft", f -> f.bind(hostPort(second)).defaultBackend("bk2"))
          .backend("bk", b -> b.balance(Balance.leastConn()).server("s1", s1.hostPort()))
          .backend("bk2", b -> b.server("s2", s2.hostPort()))
          .build();
      Reconfiguration done = balancer.reconfigure(moved);
      assertThat(done.changes()).containsExactly(
          "frontend 'ft': bind " + hostPort(second) + " added",
          "frontend 'ft': default_backend changed",
          "frontend 'ft': bind " + hostPort(first) + " removed (its connections go on)");
      assertThat(TestClient.whoAnswers(second, null)).isEqualTo("s2");
      assertThatThrownBy(() -> TestClient.whoAnswers(first, null)).isInstanceOf(ConnectException.class);
      TestClient.writeLine(open, "still there");
      assertThat(TestClient.readLine(open)).isEqualTo("still there");
      assertThat(balancer.boundAddresses("ft")).containsExactly(second);
      assertThat(balancer.stats().frontend("ft").traffic().total())
          .as("the frontend keeps its counters").isEqualTo(2);
    }
  }

  @Test
  void anAddressThatCannotBeBoundUndoesEverythingAndNamesIt() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      InetSocketAddress busy = new InetSocketAddress("127.0.0.1", taken.getLocalPort());
      BalancerConfig before = balancer.config();
      assertThatThrownBy(() -> balancer.reconfigure(with(b -> b
          .frontend("ft2", f -> f.bind(hostPort(second)).defaultBackend("bk2"))
          .frontend("ft3", f -> f.bind(hostPort(busy)).defaultBackend("bk2"))
          .backend("bk2", bk -> bk.server("s2", s2.hostPort())))))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("frontend 'ft3': cannot bind " + hostPort(busy));
      assertThat(balancer.config()).isSameAs(before);
      assertThat(balancer.stats().backends()).extracting(b -> b.name()).containsExactly("bk");
      assertThat(balancer.stats().frontends()).extracting(f -> f.name()).containsExactly("ft");
      assertThatThrownBy(() -> TestClient.whoAnswers(second, null)).isInstanceOf(ConnectException.class);
    }
  }

  @Test
  void whatCannotChangeInPlaceIsNamed() {
    assertThatThrownBy(() -> balancer.reconfigure(Balancer.builder()
        .drainTimeout(ofSeconds(1))
        .frontend("ft", f -> f.bind(hostPort(first)).defaultBackend("bk").maxConn(10))
        .backend("bk", b -> b.balance(Balance.leastConn()).server("s1", s1.hostPort()))
        .frontend("ft2", f -> f.bind(hostPort(second)).defaultBackend("bk").maxConn(5))
        .build()))
        .hasMessage("cannot apply to a running balancer (restart it for these): frontend 'ft':"
            + " maxConn changed; frontend 'ft2' added with a maxconn, which a balancer started"
            + " without any maxconn does not count");
  }
}
