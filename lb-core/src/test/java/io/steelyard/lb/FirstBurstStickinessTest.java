package io.steelyard.lb;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofMinutes;
import static org.assertj.core.api.Assertions.assertThat;

import io.steelyard.lb.schedule.Balance;
import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.TestClient;
import io.steelyard.lb.transport.Splice;
import io.steelyard.lb.transport.Transport;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A new client's first burst with {@code stick on src} and leastconn over three servers, on every
 * transport: 30 new clients open 6 connections each at once, in two waves of fresh clients. Each
 * connection that misses the table would pick a server of its own and the last store would win;
 * the pick and the store being one step per client, the connections of a client agree on one
 * server, and leastconn still spreads the clients over all three. With a fourth server that refuses
 * every connection (no checks: the balancer learns it by trying), the connections sent there are
 * redispatched, and a client's connections still end on one server. With two connections at most
 * per server, a client's connections wait in its server's queue rather than going elsewhere.
 */
class FirstBurstStickinessTest {
  private static final int CLIENTS = 30;
  private static final int CONNECTIONS = 6;

  private final List<TestBackend> servers = new ArrayList<>();
  private Balancer balancer;

  static Stream<Arguments> transports() {
    return Stream.of(
        Arguments.of(Named.of("nio", Transport.nio())),
        Arguments.of(Named.of("epoll", Transport.epoll())),
        Arguments.of(Named.of("epoll-edge", Transport.epollEdge())),
        Arguments.of(Named.of("epoll-splice", Transport.epoll(Splice.BOTH))),
        Arguments.of(Named.of("io_uring", Transport.ioUring())));
  }

  @AfterEach
  void tearDown() {
    if (balancer != null) {
      balancer.close();
    }
    servers.forEach(TestBackend::close);
  }

  @ParameterizedTest
  @MethodSource("transports")
  void aNewClientsParallelConnectionsLandOnOneServer(Transport transport) throws Exception {
    Map<Integer, Set<String>> serversOf = twoWaves(transport, false, 0);

    assertSplitNone(serversOf);
  }

  @ParameterizedTest
  @MethodSource("transports")
  void aNewClientsParallelConnectionsQueueBehindItsFullServer(Transport transport)
      throws Exception {
    Map<Integer, Set<String>> serversOf = twoWaves(transport, false, 2);

    assertSplitNone(serversOf);
    assertThat(balancer.stats().backend("bk").traffic().maxQueued())
        .as("connections waited in a queue").isPositive();
  }

  @ParameterizedTest
  @MethodSource("transports")
  void aNewClientsParallelConnectionsRedispatchedFromARefusingServerLandOnOneServer(
      Transport transport) throws Exception {
    Map<Integer, Set<String>> serversOf = twoWaves(transport, true, 0);

    assertSplitNone(serversOf);
    assertThat(balancer.stats().backend("bk").server("refuses").traffic().connectErrors())
        .as("connections were sent to the refusing server and redispatched").isPositive();
  }

  private static void assertSplitNone(Map<Integer, Set<String>> serversOf) {
    long split = serversOf.values().stream().filter(s -> s.size() > 1).count();
    assertThat(split).as("clients on more than one server: %s", serversOf).isZero();
    Set<String> used = new TreeSet<>();
    serversOf.values().forEach(used::addAll);
    assertThat(used).as("leastconn spreads the clients").containsExactly("s1", "s2", "s3");
  }

  /**
   * Two waves of 30 fresh clients × 6 connections at once; each client's servers. With {@code
   * maxConn} (0: none), each server takes that many connections at once, and the others wait.
   */
  private Map<Integer, Set<String>> twoWaves(Transport transport, boolean refusing, int maxConn)
      throws Exception {
    for (int i = 1; i <= 3; i++) {
      servers.add(TestBackend.greeting("s" + i));
    }
    balancer = Balancer.builder()
        .transport(transport)
        .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
        .backend("bk", b -> {
          b.balance(Balance.leastConn()).retries(1).redispatch(true).connectTimeout(ofMillis(500))
              .stickOnSource(t -> t.size(1000).expire(ofMinutes(30)));
          if (refusing) {
            b.server("refuses", "127.0.0.1:" + TestBackend.refusingAddress().getPort());
          }
          servers.forEach(s -> b.server(s.name(), s.hostPort(), o -> {
            if (maxConn > 0) {
              o.maxConn(maxConn);
            }
          }));
        })
        .start();
    InetSocketAddress front = balancer.boundAddresses("ft").get(0);
    Map<Integer, Set<String>> serversOf = new TreeMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS * CONNECTIONS);
    try {
      for (int wave = 0; wave < 2; wave++) {
        CountDownLatch go = new CountDownLatch(1);
        Map<Future<String>, Integer> answers = new LinkedHashMap<>();
        for (int c = 0; c < CLIENTS; c++) {
          int client = 10 + wave * CLIENTS + c;
          for (int k = 0; k < CONNECTIONS; k++) {
            answers.put(pool.submit(() -> {
              go.await();
              return TestClient.whoAnswers(front, TestClient.loopback(client));
            }), client);
          }
        }
        go.countDown();
        for (Map.Entry<Future<String>, Integer> answer : answers.entrySet()) {
          serversOf.computeIfAbsent(answer.getValue(), c -> new TreeSet<>())
              .add(answer.getKey().get(20, TimeUnit.SECONDS));
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return serversOf;
  }
}
