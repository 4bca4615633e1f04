package io.steelyard.lb;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.steelyard.lb.health.AdminState;
import io.steelyard.lb.health.ServerStatus;
import io.steelyard.lb.schedule.Balance;
import io.steelyard.lb.stats.BackendStats;
import io.steelyard.lb.stats.ConnectionInfo;
import io.steelyard.lb.stats.ServerStats;
import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.TestClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runtime changes while clients keep connecting: none of their connections may be lost. */
class AdminTest {
  private TestBackend s1;
  private TestBackend s2;
  private TestBackend s3;
  private Balancer balancer;
  private InetSocketAddress front;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicInteger served = new AtomicInteger();
  private CompletableFuture<Void> load;

  @BeforeEach
  void start() {
    s1 = TestBackend.greeting("s1");
    s2 = TestBackend.greeting("s2");
    s3 = TestBackend.greeting("s3");
    balancer =
        Balancer.builder()
            .drainTimeout(ofSeconds(1))
            .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
            .backend("bk", b -> b.balance(Balance.leastConn())
                .server("s1", s1.hostPort()).server("s2", s2.hostPort()))
            .start();
    front = balancer.boundAddresses("ft").get(0);
  }

  @AfterEach
  void tearDown() {
    balancer.close();
    s1.close();
    s2.close();
    s3.close();
  }

  /** Clients connecting one after another, each must be greeted; bounded in count and time. */
  private void startLoad() {
    load = CompletableFuture.runAsync(() -> {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      for (int i = 0; i < 50_000 && !stop.get() && System.nanoTime() < deadline; i++) {
        try {
          TestClient.whoAnswers(front, TestClient.loopback(2 + i % 50));
          served.incrementAndGet();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    });
  }

  private void awaitMoreServed(int more) {
    int from = served.get();
    await().until(() -> served.get() >= from + more || load.isDone());
    assertThat(load).as("the load never fails").isNotCompletedExceptionally();
  }

  private long total(String server) {
    return balancer.stats().backend("bk").server(server).traffic().total();
  }

  @Test
  void weightMaintenanceAndServersAddedAndRemovedUnderLoad() throws Exception {
    startLoad();
    awaitMoreServed(100);

    balancer.admin().setWeight("bk", "s1", 0);
    assertThat(balancer.admin().weight("bk", "s1")).isZero();
    long s1Total = total("s1");
    awaitMoreServed(200);
    assertThat(total("s1")).as("weight 0 takes no new client").isEqualTo(s1Total);
    balancer.admin().setWeight("bk", "s1", 10);
    awaitMoreServed(200);
    assertThat(total("s1")).isGreaterThan(s1Total);

    balancer.admin().setState("bk", "s2", AdminState.MAINT);
    assertThat(balancer.stats().backend("bk").server("s2").status()).isEqualTo(ServerStatus.MAINT);
    long s2Total = total("s2");
    awaitMoreServed(200);
    assertThat(total("s2")).as("maintenance takes no new client").isEqualTo(s2Total);
    balancer.admin().setState("bk", "s2", AdminState.READY);

    balancer.admin().addServer("bk", "s3", s3.hostPort(), s -> s.weight(5));
    assertThat(balancer.stats().backend("bk").server("s3").status())
        .as("added in maintenance, as HAProxy does").isEqualTo(ServerStatus.MAINT);
    awaitMoreServed(100);
    assertThat(s3.accepted()).isZero();
    balancer.admin().setState("bk", "s3", AdminState.READY);
    awaitMoreServed(300);
    assertThat(s3.accepted()).isPositive();

    assertThatThrownBy(() -> balancer.admin().removeServer("bk", "s3"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Only servers in maintenance mode can be deleted: bk/s3");
    balancer.admin().setState("bk", "s3", AdminState.MAINT);
    await().until(() -> balancer.stats().backend("bk").server("s3").traffic().current() == 0);
    balancer.admin().removeServer("bk", "s3");
    BackendStats stats = balancer.stats().backend("bk");
    assertThat(stats.servers()).extracting(s -> s.name()).containsExactly("s1", "s2");
    awaitMoreServed(200);

    stop.set(true);
    load.get(30, TimeUnit.SECONDS);
    assertThat(balancer.stats().frontend("ft").traffic().refused()).isZero();
    System.out.printf("%d connections served through the changes, none lost%n", served.get());
  }

  @Test
  void shutdownSessionsClosesAServersConnections() throws Exception {
    try (Socket first = TestClient.connect(front);
        Socket second = TestClient.connect(front)) {
      String a = TestClient.readLine(first);
      String b = TestClient.readLine(second);
      assertThat(a).isNotEqualTo(b);
      Socket onS1 = a.equals("s1") ? first : second;
      Socket onS2 = a.equals("s1") ? second : first;

      balancer.admin().shutdownSessions("bk", "s1");

      assertThat(onS1.getInputStream().read()).isEqualTo(-1);
      onS2.getOutputStream().write("still here\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      assertThat(TestClient.readLine(onS2)).isEqualTo("still here");
    }
  }

  @Test
  void serversTakeTheirIdOrTheSmallestFreeOneAsHaproxyDoes() {
    try (Balancer numbered = Balancer.builder()
        .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
        .backend("bk", b -> b.server("a", s1.hostPort()).server("b", s2.hostPort(), s -> s.id(1)))
        .start()) {
      assertThat(numbered.stats().backend("bk").servers())
          .extracting(ServerStats::name, ServerStats::sid)
          .containsExactly(tuple("a", 2), tuple("b", 1));
      numbered.admin().addServer("bk", "c", s3.hostPort(), s -> {});
      assertThat(numbered.stats().backend("bk").server("c").sid()).isEqualTo(3);
      assertThatThrownBy(() -> numbered.admin().addServer("bk", "d", s3.hostPort(), s -> s.id(2)))
          .hasMessage("backend 'bk': server 'd': id 2 is already used");
    }
    assertThatThrownBy(() -> Balancer.builder()
        .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
        .backend("bk", b -> b.server("a", s1.hostPort(), s -> s.id(4))
            .server("b", s2.hostPort(), s -> s.id(4)))
        .build())
        .hasMessage("backend 'bk': server 'b': id 4 is already used by server 'a'");
  }

  @Test
  void unknownNamesAreNamed() {
    assertThatThrownBy(() -> balancer.admin().setWeight("nope", "s1", 1))
        .hasMessage("no backend 'nope'");
    assertThatThrownBy(() -> balancer.admin().setState("bk", "s9", AdminState.DRAIN))
        .hasMessage("backend 'bk' has no server 's9'");
    assertThatThrownBy(() -> balancer.admin().setWeight("bk", "s1", 300))
        .hasMessage("weight of bk/s1 must be 0 to 256: 300");
    assertThatThrownBy(() -> balancer.admin().addServer("bk", "s1", "127.0.0.1:1", s -> {}))
        .hasMessage("backend 'bk', another server named 's1' was already defined");
  }

  @Test
  void listsOpenConnectionsWithTheAddressTheClientConnectedTo() throws Exception {
    try (Socket client = TestClient.connect(front, TestClient.loopback(7))) {
      String server = TestClient.readLine(client);

      List<ConnectionInfo> connections = balancer.admin().connections();

      assertThat(connections).hasSize(1);
      ConnectionInfo info = connections.get(0);
      assertThat(info.frontend()).isEqualTo("ft");
      assertThat(info.client()).isEqualTo(client.getLocalSocketAddress());
      assertThat(info.destination()).as("the address the client connected to").isEqualTo(front);
      assertThat(info.backend()).isEqualTo("bk");
      assertThat(info.server()).isEqualTo(server);
    }
  }
}
