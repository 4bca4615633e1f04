package io.steelyard.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steelyard.lb.health.ServerStatus;
import io.steelyard.lb.schedule.Balance;
import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.TestClient;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each algorithm, seen from real clients through a running balancer on loopback. */
class SchedulingThroughBalancerTest {
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final List<Socket> held = new ArrayList<>();
  private Balancer balancer;
  private InetSocketAddress front;

  @AfterEach
  void tearDown() throws Exception {
    for (Socket socket : held) {
      socket.close();
    }
    if (balancer != null) {
      balancer.close();
    }
    for (AutoCloseable resource : resources) {
      resource.close();
    }
  }

  private void start(Balance balance, Consumer<ServerBuilder>... servers) {
    List<TestBackend> backends = new ArrayList<>();
    for (int i = 0; i < servers.length; i++) {
      TestBackend backend = TestBackend.greeting("s" + (i + 1));
      resources.add(backend);
      backends.add(backend);
    }
    balancer =
        Balancer.builder()
            .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
            .backend("bk", b -> {
              b.balance(balance);
              for (int i = 0; i < servers.length; i++) {
                b.server(backends.get(i).name(), backends.get(i).hostPort(), servers[i]);
              }
            })
            .start();
    front = balancer.boundAddresses("ft").get(0);
  }

  /** Opens a connection, learns its server from the greeting, and keeps it open. */
  private String hold() throws Exception {
    Socket socket = TestClient.connect(front);
    held.add(socket);
    return TestClient.readLine(socket);
  }

  /** Connects, learns the server, closes, and waits until the balancer has let go of it. */
  private String shortConnection(int clientHost) throws Exception {
    String server = TestClient.whoAnswers(front, TestClient.loopback(clientHost));
    await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
        .until(() -> balancer.stats().backend("bk").traffic().current() == 0);
    return server;
  }

  private static Map<String, Integer> count(List<String> servers) {
    Map<String, Integer> counts = new TreeMap<>();
    servers.forEach(s -> counts.merge(s, 1, Integer::sum));
    return counts;
  }

  @Test
  @SuppressWarnings("unchecked")
  void leastConnGivesHeldConnectionsInProportionToWeight() throws Exception {
    start(Balance.leastConn(), s -> s.weight(1), s -> s.weight(3), s -> s.weight(1));
    List<String> servers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      servers.add(hold());
    }

    Map<String, Integer> counts = count(servers);
    assertThat(counts.get("s2")).isBetween(29, 31);
    assertThat(counts.get("s1")).isBetween(9, 11);
    assertThat(counts.get("s3")).isBetween(9, 11);
    assertThat(servers.subList(0, 3)).containsExactlyInAnyOrder("s1", "s2", "s3");
    assertThat(balancer.stats().backend("bk").server("s2").traffic().current())
        .isEqualTo((long) counts.get("s2"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void leastConnRotatesShortSequentialConnections() throws Exception {
    start(Balance.leastConn(), s -> {}, s -> {}, s -> {});
    List<String> servers = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      servers.add(shortConnection(1));
    }

    assertThat(count(servers)).containsEntry("s1", 3).containsEntry("s2", 3).containsEntry("s3", 3);
    for (int i = 3; i < 9; i++) {
      assertThat(servers.get(i)).isEqualTo(servers.get(i - 3));
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void roundRobinFollowsWeights() throws Exception {
    start(Balance.roundRobin(), s -> s.weight(1), s -> s.weight(3), s -> s.weight(1));
    List<String> servers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      servers.add(shortConnection(1));
    }

    assertThat(count(servers)).containsEntry("s1", 2).containsEntry("s2", 6).containsEntry("s3", 2);
  }

  @Test
  @SuppressWarnings("unchecked")
  void sourceKeepsEachClientOnOneServer() throws Exception {
    start(Balance.source(), s -> {}, s -> {}, s -> {});
    Map<Integer, String> first = new TreeMap<>();
    for (int client = 2; client < 40; client++) {
      first.put(client, shortConnection(client));
    }
    for (int client = 2; client < 40; client++) {
      assertThat(shortConnection(client)).as("client 127.0.0.%d", client).isEqualTo(first.get(client));
    }

    assertThat(count(List.copyOf(first.values())).keySet()).containsExactly("s1", "s2", "s3");
  }

  @Test
  @SuppressWarnings("unchecked")
  void firstFillsServersInOrder() throws Exception {
    start(Balance.first(), s -> s.maxConn(2), s -> s.maxConn(2), s -> s.maxConn(2));
    List<String> servers = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      servers.add(hold());
    }

    assertThat(servers).containsExactly("s1", "s1", "s2", "s2", "s3");
  }

  @Test
  @SuppressWarnings("unchecked")
  void serverAtMaxConnIsSkipped() throws Exception {
    start(Balance.leastConn(), s -> s.maxConn(1).weight(100), s -> {});
    List<String> servers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      servers.add(hold());
    }

    assertThat(count(servers)).containsEntry("s1", 1).containsEntry("s2", 3);
  }

  @Test
  void listensOnIpv6AndSendsIpv6ClientsOn() throws Exception {
    TestBackend backend = TestBackend.greeting("s1");
    resources.add(backend);
    balancer =
        Balancer.builder()
            .frontend("ft", f -> f.bind("[::1]:0").defaultBackend("bk"))
            .backend("bk", b -> b.balance(Balance.source()).server("s1", backend.hostPort()))
            .start();
    InetSocketAddress v6 = balancer.boundAddresses("ft").get(0);
    assertThat(v6.getAddress()).isInstanceOf(java.net.Inet6Address.class);

    assertThat(TestClient.whoAnswers(v6, java.net.InetAddress.getByName("::1"))).isEqualTo("s1");
  }

  @Test
  void backupsTakeOverOnlyWhenEveryActiveServerIsDown() throws Exception {
    TestBackend a1 = TestBackend.greeting("a1");
    TestBackend a2 = TestBackend.greeting("a2");
    TestBackend b1 = TestBackend.greeting("b1");
    TestBackend b2 = TestBackend.greeting("b2");
    resources.addAll(List.of(a1, a2, b1, b2));
    balancer =
        Balancer.builder()
            .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
            .backend("bk", b -> b.balance(Balance.roundRobin())
                .server("a1", a1.hostPort(), s -> s.check().inter(Duration.ofMillis(100)))
                .server("b1", b1.hostPort(), s -> s.backup())
                .server("a2", a2.hostPort(), s -> s.check().inter(Duration.ofMillis(100)))
                .server("b2", b2.hostPort(), s -> s.backup()))
            .start();
    front = balancer.boundAddresses("ft").get(0);
    List<String> before = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      before.add(shortConnection(1));
    }
    assertThat(before).containsOnly("a1", "a2");

    a1.close();
    await().until(() -> balancer.stats().backend("bk").server("a1").status() == ServerStatus.DOWN);
    assertThat(shortConnection(1)).isEqualTo("a2");
    a2.close();
    await().until(() -> balancer.stats().backend("bk").server("a2").status() == ServerStatus.DOWN);

    List<String> after = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      after.add(shortConnection(1));
    }
    assertThat(after).as("the first backup takes them all, as HAProxy without allbackups")
        .containsOnly("b1");
  }
}
