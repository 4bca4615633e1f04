package io.steelyard.lb;

import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.steelyard.lb.config.BalancerConfig;
import io.steelyard.lb.health.ServerStatus;
import io.steelyard.lb.log.LogLine;
import io.steelyard.lb.log.LogSink;
import io.steelyard.lb.schedule.Balance;
import io.steelyard.lb.testing.SteadyClients;
import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.TestClient;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Balancer#reconfigure} under traffic: a server added takes clients within a second and no
 * client of a steady stream fails; a server removed takes no new client while its open
 * connections go on, and is deleted once they end; weights and maxconn change in place; stick
 * tables keep their entries; a difference that cannot be applied changes nothing.
 */
class ReconfigureTest {
  private TestBackend s1;
  private TestBackend s2;
  private TestBackend s3;
  private Balancer balancer;
  private InetSocketAddress front;

  @BeforeEach
  void start() {
    s1 = TestBackend.greeting("s1");
    s2 = TestBackend.greeting("s2");
    s3 = TestBackend.greeting("s3");
    balancer = builder(b -> b.server("s1", s1.hostPort()).server("s2", s2.hostPort())).start();
    front = balancer.boundAddresses("ft").get(0);
  }

  private static BalancerBuilder builder(Consumer<BackendBuilder> servers) {
    return Balancer.builder()
        .drainTimeout(ofSeconds(1))
        .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
        .backend("bk", b -> {
          b.balance(Balance.roundRobin()).stickTable(t -> t.size(1000).expire(ofMinutes(30)))
              .stickMatchSource().stickStoreSource();
          servers.accept(b);
        });
  }

  private BalancerConfig with(Consumer<BackendBuilder> servers) {
    return builder(servers).build();
  }

  @AfterEach
  void stop() {
    balancer.close();
    s1.close();
    s2.close();
    s3.close();
  }

  @Test
  void aServerAddedUnderASteadyStreamTakesClientsAndNoClientFails() throws Exception {
    SteadyClients clients = SteadyClients.start(front, 400, i -> TestClient.loopback(10 + i % 200));
    await().until(() -> clients.served() >= 50);

    long reconfigured = System.nanoTime();
    Reconfiguration done = balancer.reconfigure(
        with(b -> b.server("s1", s1.hostPort()).server("s2", s2.hostPort()).server("s3", s3.hostPort())));
    assertThat(done.changes()).containsExactly("backend 'bk': server 's3' added");
    await().atMost(ofSeconds(1)).pollInterval(Duration.ofMillis(5)).until(() -> s3.accepted() > 0);
    System.out.printf("reconfigure: the new server's first connection %d ms after%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - reconfigured));

    clients.awaitEnd();
    assertThat(clients.failed()).as("clients that failed").isZero();
    assertThat(clients.served()).isEqualTo(400);
    assertThat(balancer.config().backends().get(0).servers()).hasSize(3);
  }

  @Test
  void aServerRemovedKeepsItsConnectionsTakesNoNewOneAndGoesWhenTheyEnd() throws Exception {
    List<Socket> open = new ArrayList<>();
    try {
      for (int i = 0; i < 200; i++) {
        Socket socket = TestClient.connect(front, TestClient.loopback(20 + i % 100));
        TestClient.readLine(socket);
        open.add(socket);
      }
      int onS1 = s1.open();
      assertThat(onS1).isPositive();
      balancer.admin().stickTable("bk").setServer(TestClient.loopback(7), 1);

      Reconfiguration done = balancer.reconfigure(with(b -> b.server("s2", s2.hostPort())));
      assertThat(done.changes()).containsExactly(
          "backend 'bk': server 's1' removed (in maintenance until its last connection ends)");
      assertThat(balancer.stats().backend("bk").server("s1").status()).isEqualTo(ServerStatus.MAINT);
      for (int i = 0; i < 20; i++) {
        assertThat(TestClient.whoAnswers(front, TestClient.loopback(150 + i))).isEqualTo("s2");
      }
      for (Socket socket : open) {
        TestClient.writeLine(socket, "still there");
        assertThat(TestClient.readLine(socket)).as("no connection is cut").isEqualTo("still there");
      }
      assertThat(s1.open()).isEqualTo(onS1);
      assertThat(balancer.admin().stickTable("bk").entry(TestClient.loopback(7)))
          .as("the stick table keeps its entries").isPresent();
    } finally {
      for (Socket socket : open) {
        socket.close();
      }
    }
    await().atMost(ofSeconds(5)).until(() -> balancer.stats().backend("bk").servers().size() == 1);
  }

  @Test
  void weightsAndMaxconnChangeInPlace() {
    Reconfiguration done = balancer.reconfigure(with(b -> b
        .server("s1", s1.hostPort(), s -> s.weight(3).maxConn(10))
        .server("s2", s2.hostPort())));
    assertThat(done.changes()).containsExactly(
        "backend 'bk': server 's1' weight 1 -> 3", "backend 'bk': server 's1' maxconn 0 -> 10");
    assertThat(balancer.admin().weight("bk", "s1")).isEqualTo(3);
    assertThat(balancer.reconfigure(balancer.config()).changes()).isEmpty();
  }

  @Test
  void aServerMovedToAnotherAddressTakesNewConnectionsThereAndChecksStartAgain() throws Exception {
    try (Socket open = TestClient.connect(front, TestClient.loopback(30))) {
      String first = TestClient.readLine(open);
      Reconfiguration done = balancer.reconfigure(with(b -> b
          .server("s1", s3.hostPort(), s -> s.check().inter(Duration.ofMillis(100)))
          .server("s2", s2.hostPort(), s -> s.check().inter(Duration.ofMillis(100)))));
      assertThat(done.changes()).containsExactly(
          "backend 'bk': server 's1' address " + s1.hostPort() + " -> " + s3.hostPort(),
          "backend 'bk': server 's1' check changed",
          "backend 'bk': server 's2' check changed");
      await().until(() -> balancer.stats().backend("bk").server("s1").check() != null
          && balancer.stats().backend("bk").server("s1").check().last() != null);
      List<String> answers = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        answers.add(TestClient.whoAnswers(front, TestClient.loopback(60 + i)));
      }
      assertThat(answers).as("s1's new connections reach s3's address").contains("s3")
          .doesNotContain("s1");
      TestClient.writeLine(open, "still there");
      assertThat(TestClient.readLine(open)).as("the open connection stays with " + first)
          .isEqualTo("still there");
      assertThat(balancer.stats().backend("bk").server("s1").address().getPort())
          .isEqualTo(s3.address().getPort());
    }
  }

  @Test
  void aServerBecomesABackupAndAnotherActive() throws Exception {
    Reconfiguration done = balancer.reconfigure(with(b -> b
        .server("s1", s1.hostPort()).server("s2", s2.hostPort(), s -> s.backup())));
    assertThat(done.changes()).containsExactly("backend 'bk': server 's2' now backup");
    for (int i = 0; i < 6; i++) {
      assertThat(TestClient.whoAnswers(front, TestClient.loopback(80 + i))).isEqualTo("s1");
    }
    done = balancer.reconfigure(with(b -> b
        .server("s1", s1.hostPort(), s -> s.backup()).server("s2", s2.hostPort())));
    assertThat(done.changes()).containsExactly(
        "backend 'bk': server 's1' now backup", "backend 'bk': server 's2' now active");
    for (int i = 0; i < 6; i++) {
      assertThat(TestClient.whoAnswers(front, TestClient.loopback(90 + i))).isEqualTo("s2");
    }
    assertThat(balancer.stats().backend("bk").server("s1").backup()).isTrue();
  }

  @Test
  void aDifferenceThatCannotBeAppliedChangesNothing() {
    BalancerConfig next = Balancer.builder()
        .drainTimeout(ofSeconds(1))
        .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
        .backend("bk", b -> b.balance(Balance.leastConn())
            .stickTable(t -> t.size(1000).expire(ofMinutes(30))).stickMatchSource().stickStoreSource()
            .server("s1", s1.hostPort()).server("s2", s2.hostPort()).server("s3", s3.hostPort())
            .server("s4", "127.0.0.1:9", s -> s.weight(0)))
        .build();
    BalancerConfig before = balancer.config();
    assertThatThrownBy(() -> balancer.reconfigure(next))
        .isInstanceOf(ConfigException.class)
        .hasMessage("cannot apply to a running balancer (restart it for these): backend 'bk': balance changed");
    assertThat(balancer.config()).isSameAs(before);
    assertThat(balancer.stats().backend("bk").servers()).hasSize(2);
  }

  @Test
  void aFrontendsLogChangesInPlaceAndTheOldSinkIsClosedOnceItsLinesAreWritten() throws Exception {
    List<String> before = new CopyOnWriteArrayList<>();
    List<String> after = new CopyOnWriteArrayList<>();
    AtomicBoolean closed = new AtomicBoolean();
    balancer.close();
    balancer = logging(new CountingSink(before, closed), null).start();
    front = balancer.boundAddresses("ft").get(0);
    TestClient.whoAnswers(front, TestClient.loopback(2));
    await().until(() -> before.size() == 1);

    Reconfiguration done = balancer.reconfigure(
        logging(new CountingSink(after, new AtomicBoolean()), "%ci %b/%s").build());
    assertThat(done.changes()).containsExactly("frontend 'ft': log changed");
    String server = TestClient.whoAnswers(front, TestClient.loopback(2));
    await().until(() -> after.size() == 1);
    assertThat(after).containsExactly("127.0.0.2 bk/" + server);
    assertThat(before).hasSize(1);
    await().untilTrue(closed);
  }

  private BalancerBuilder logging(LogSink sink, String format) {
    return Balancer.builder()
        .drainTimeout(ofSeconds(1))
        .frontend("ft", f -> {
          f.bind("127.0.0.1:0").defaultBackend("bk").log(sink);
          if (format != null) {
            f.logFormat(format);
          }
        })
        .backend("bk", b -> b.balance(Balance.roundRobin()).server("s1", s1.hostPort())
            .server("s2", s2.hostPort()));
  }

  /** A sink that keeps its lines and says when it is closed. */
  private record CountingSink(List<String> lines, AtomicBoolean closed) implements LogSink {
    @Override
    public void write(LogLine line) {
      lines.add(line.message());
    }

    @Override
    public void close() {
      closed.set(true);
    }
  }
}
