package io.steelyard.lb;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofMinutes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steelyard.lb.health.AdminState;
import io.steelyard.lb.health.ServerStatus;
import io.steelyard.lb.schedule.Balance;
import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.TestClient;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code stick on src} with many real client addresses (127.0.0.2, 127.0.0.3, ...). */
class StickinessTest {
  private final TestBackend[] servers = new TestBackend[3];
  private Balancer balancer;
  private InetSocketAddress front;

  @AfterEach
  void tearDown() {
    if (balancer != null) {
      balancer.close();
    }
    for (TestBackend server : servers) {
      if (server != null) {
        server.close();
      }
    }
  }

  private void start(boolean match) {
    for (int i = 0; i < servers.length; i++) {
      servers[i] = TestBackend.greeting("s" + (i + 1));
    }
    balancer =
        Balancer.builder()
            .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
            .backend("bk", b -> {
              b.balance(Balance.leastConn()).retries(1).redispatch(true)
                  .connectTimeout(ofMillis(500))
                  .stickTable(t -> t.size(200_000).expire(ofMinutes(30)))
                  .stickStoreSource();
              if (match) {
                b.stickMatchSource();
              }
              for (TestBackend server : servers) {
                b.server(server.name(), server.hostPort(), s -> s.check().inter(ofMillis(100)));
              }
            })
            .start();
    front = balancer.boundAddresses("ft").get(0);
  }

  private String connect(int client) throws Exception {
    String server = TestClient.whoAnswers(front, TestClient.loopback(client));
    await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
        .until(() -> balancer.stats().backend("bk").traffic().current() == 0);
    return server;
  }

  @Test
  void everyClientAlwaysLandsOnItsServerAndLeastConnStillSpreadsThem() throws Exception {
    start(true);
    Map<Integer, String> first = new HashMap<>();
    for (int round = 0; round < 10; round++) {
      for (int client = 2; client < 202; client++) {
        String server = connect(client);
        String before = first.putIfAbsent(client, server);
        if (before != null) {
          assertThat(server).as("client 127.0.0.%d, round %d", client, round).isEqualTo(before);
        }
      }
    }

    Map<String, Integer> clientsPerServer = new TreeMap<>();
    first.values().forEach(s -> clientsPerServer.merge(s, 1, Integer::sum));
    assertThat(clientsPerServer).containsOnlyKeys("s1", "s2", "s3");
    assertThat(clientsPerServer.values()).allSatisfy(n -> assertThat(n).isBetween(60, 74));
    assertThat(balancer.admin().stickTable("bk").used()).isEqualTo(200);
  }

  @Test
  void storeWithoutMatchStoresButNothingSticksAsInHaproxy() throws Exception {
    start(false);
    String a = connect(9);
    String b = connect(9);

    assertThat(a).isNotEqualTo(b);
    assertThat(balancer.admin().stickTable("bk").entry(TestClient.loopback(9))).isPresent();
  }

  @Test
  void aStuckClientMovesWhenItsServerDiesAndStaysAfterItReturns() throws Exception {
    start(true);
    String original = connect(7);
    int index = Integer.parseInt(original.substring(1)) - 1;
    int port = servers[index].address().getPort();
    servers[index].close();

    String moved = connect(7);
    assertThat(moved).isNotEqualTo(original);

    servers[index] = TestBackend.greeting(original, port);
    await().until(() -> balancer.stats().backend("bk").server(original).status() == ServerStatus.UP);
    for (int i = 0; i < 5; i++) {
      assertThat(connect(7)).isEqualTo(moved);
    }
  }

  @Test
  void drainingServerKeepsItsStuckClientsAndTakesNoNewOnes() throws Exception {
    start(true);
    Map<Integer, String> stuck = new HashMap<>();
    for (int client = 2; client < 14; client++) {
      stuck.put(client, connect(client));
    }
    String drained = stuck.get(2);
    balancer.admin().setState("bk", drained, AdminState.DRAIN);
    assertThat(balancer.stats().backend("bk").server(drained).status()).isEqualTo(ServerStatus.DRAIN);

    for (Map.Entry<Integer, String> client : stuck.entrySet()) {
      assertThat(connect(client.getKey())).isEqualTo(client.getValue());
    }
    for (int client = 50; client < 80; client++) {
      assertThat(connect(client)).as("new client 127.0.0.%d", client).isNotEqualTo(drained);
    }
  }

  @Test
  void maintenanceMovesStuckClients() throws Exception {
    start(true);
    String original = connect(5);
    balancer.admin().setState("bk", original, AdminState.MAINT);

    String moved = connect(5);
    assertThat(moved).isNotEqualTo(original);
    balancer.admin().setState("bk", original, AdminState.READY);
    assertThat(connect(5)).isEqualTo(moved);
    try (Socket unused = TestClient.connect(front)) {
      assertThat(balancer.stats().backend("bk").server(original).status()).isEqualTo(ServerStatus.UP);
    }
  }
}
