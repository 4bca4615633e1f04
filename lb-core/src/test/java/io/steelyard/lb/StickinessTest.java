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
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

  /**
   * A connection whose connect to s1 hangs (s1's accept queue is full: its SYN waits for a
   * retransmission) while a newer connection of the same client, s1 then in maintenance, is
   * balanced to s2 and stores it. When the first connect completes at last, whether its client is
   * still there or already gone, the entry keeps s2: a store never overwrites the entry that a
   * newer connection wrote.
   */
  @ParameterizedTest(name = "client gone: {0}")
  @ValueSource(booleans = {false, true})
  void aLateConnectNeverOverwritesTheServerThatANewerConnectionStored(boolean clientGone)
      throws Exception {
    servers[1] = TestBackend.greeting("s2");
    try (ServerSocket s1 = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      List<Socket> queued = fillAcceptQueue(s1);
      balancer = Balancer.builder()
          .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
          .backend("bk", b -> b.balance(Balance.leastConn()).connectTimeout(Duration.ofSeconds(10))
              .stickOnSource(t -> t.size(100).expire(ofMinutes(30)))
              .server("s1", "127.0.0.1:" + s1.getLocalPort())
              .server("s2", servers[1].hostPort()))
          .start();
      front = balancer.boundAddresses("ft").get(0);
      balancer.admin().setState("bk", "s2", AdminState.MAINT);

      Socket late = TestClient.connect(front, TestClient.loopback(9));
      await().until(() -> balancer.stats().backend("bk").server("s1").traffic().current() == 1);
      if (clientGone) {
        late.close();
      }
      balancer.admin().setState("bk", "s2", AdminState.READY);
      balancer.admin().setState("bk", "s1", AdminState.MAINT);
      assertThat(TestClient.whoAnswers(front, TestClient.loopback(9))).as("the newer connection")
          .isEqualTo("s2");

      balancer.admin().setState("bk", "s1", AdminState.READY);
      AtomicInteger accepted = greetForever(s1, "s1");
      for (Socket socket : queued) {
        socket.close();
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> accepted.get() > queued.size());
      late.close();
      await().atMost(Duration.ofSeconds(10))
          .until(() -> balancer.stats().backend("bk").traffic().current() == 0);

      assertThat(connect(9)).as("the client's next connection").isEqualTo("s2");
    }
  }

  /** Accepts every connection to {@code server} and greets it with {@code name}; counts them. */
  private static AtomicInteger greetForever(ServerSocket server, String name) {
    AtomicInteger accepted = new AtomicInteger();
    Thread greeter = new Thread(() -> {
      while (true) {
        try (Socket connection = server.accept()) {
          accepted.incrementAndGet();
          connection.getOutputStream().write((name + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException closed) {
          return;
        }
      }
    }, "greeter-" + name);
    greeter.setDaemon(true);
    greeter.start();
    return accepted;
  }

  /** Connects to {@code server}, which never accepts, until a connect waits: its queue is full. */
  private static List<Socket> fillAcceptQueue(ServerSocket server) throws Exception {
    List<Socket> queued = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Socket socket = new Socket();
      try {
        socket.connect(server.getLocalSocketAddress(), 300);
        queued.add(socket);
      } catch (SocketTimeoutException full) {
        socket.close();
        return queued;
      }
    }
    throw new AssertionError("a backlog of 1 took 8 connections");
  }
}
