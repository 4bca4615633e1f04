package io.steelyard.lb;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.TestClient;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Server maxconn with the backend queue and its timeout, on real sockets. */
class QueueTest {
  private final List<Socket> clients = new ArrayList<>();
  private TestBackend server;
  private Balancer balancer;

  @AfterEach
  void tearDown() throws Exception {
    for (Socket client : clients) {
      client.close();
    }
    if (balancer != null) {
      balancer.close();
    }
    server.close();
  }

  private InetSocketAddress start(Duration queueTimeout) {
    server = TestBackend.greeting("s1");
    balancer =
        Balancer.builder()
            .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
            .backend("bk", b -> b.queueTimeout(queueTimeout)
                .server("s1", server.hostPort(), s -> s.maxConn(2)))
            .start();
    return balancer.boundAddresses("ft").get(0);
  }

  private Socket open(InetSocketAddress front) throws Exception {
    Socket client = TestClient.connect(front);
    clients.add(client);
    return client;
  }

  private static void assertWaiting(Socket client) throws Exception {
    client.setSoTimeout(300);
    assertThatThrownBy(() -> client.getInputStream().read())
        .isInstanceOf(SocketTimeoutException.class);
    client.setSoTimeout(10_000);
  }

  /** A queue timeout of 0 is none, as in HAProxy: a waiting client waits until served. */
  @Test
  void aZeroQueueTimeoutLetsClientsWait() throws Exception {
    InetSocketAddress front = start(Duration.ZERO);
    for (int i = 0; i < 3; i++) {
      open(front);
    }
    await().until(() -> balancer.stats().backend("bk").traffic().queued() == 1);
    // Which of the three waits depends on which event loop took which first.
    List<Socket> served = new ArrayList<>();
    List<Socket> waiting = new ArrayList<>(clients);
    takeServed(waiting, served, 2);
    Socket last = waiting.get(0);
    assertWaiting(last);
    assertWaiting(last);
    assertThat(balancer.stats().backend("bk").traffic().queueTimeouts()).isZero();
    served.get(0).close();
    assertThat(TestClient.readLine(last)).isEqualTo("s1");
  }

  @Test
  void waitingClientsAreServedInTurn() throws Exception {
    InetSocketAddress front = start(ofSeconds(30));
    for (int i = 0; i < 5; i++) {
      open(front);
    }
    await().until(() -> balancer.stats().backend("bk").traffic().queued() == 3);
    List<Socket> served = new ArrayList<>();
    List<Socket> waiting = new ArrayList<>(clients);
    takeServed(waiting, served, 2);
    for (Socket client : waiting) {
      assertWaiting(client);
    }
    assertThat(server.open()).isEqualTo(2);

    while (!waiting.isEmpty()) {
      served.remove(0).close();
      takeServed(waiting, served, 1);
      assertThat(server.open()).isLessThanOrEqualTo(2);
    }
    assertThat(balancer.stats().backend("bk").traffic().queued()).isZero();
    assertThat(balancer.stats().backend("bk").traffic().queueTimeouts()).isZero();
    assertThat(server.accepted()).isEqualTo(5);
  }

  /**
   * Waits until exactly {@code count} of the waiting clients have their greeting (clients that
   * connect at once may be queued in any order: their sessions start on different event loops),
   * and moves them to {@code served}.
   */
  private static void takeServed(List<Socket> waiting, List<Socket> served, int count)
      throws Exception {
    await().until(() -> answered(waiting) >= count);
    Thread.sleep(100);
    assertThat(answered(waiting)).as("clients served at once").isEqualTo(count);
    for (Socket client : List.copyOf(waiting)) {
      if (client.getInputStream().available() > 0) {
        assertThat(TestClient.readLine(client)).isEqualTo("s1");
        waiting.remove(client);
        served.add(client);
      }
    }
  }

  private static long answered(List<Socket> clients) throws java.io.IOException {
    long n = 0;
    for (Socket client : clients) {
      if (client.getInputStream().available() > 0) {
        n++;
      }
    }
    return n;
  }

  @Test
  void waitersPastTheQueueTimeoutAreDroppedAndCounted() throws Exception {
    InetSocketAddress front = start(ofMillis(300));
    for (int i = 0; i < 5; i++) {
      open(front);
    }

    await().until(() -> balancer.stats().backend("bk").traffic().queueTimeouts() == 3);
    int greeted = 0;
    int dropped = 0;
    for (Socket client : clients) {
      int first = client.getInputStream().read();
      if (first < 0) {
        dropped++;
      } else {
        assertThat((char) first + TestClient.readLine(client)).isEqualTo("s1");
        greeted++;
      }
    }
    assertThat(greeted).isEqualTo(2);
    assertThat(dropped).isEqualTo(3);
    assertThat(balancer.stats().backend("bk").traffic().queued()).isZero();
    assertThat(server.accepted()).isEqualTo(2);
  }

  /**
   * A client that resets its connection leaves the queue at once. (One that only half-closes
   * keeps its place, as in HAProxy without {@code option abortonclose}: it may still want the
   * server's answer.)
   */
  @Test
  void aClientThatResetsLeavesTheQueue() throws Exception {
    InetSocketAddress front = start(ofSeconds(30));
    for (int i = 0; i < 4; i++) {
      open(front);
    }
    await().until(() -> balancer.stats().backend("bk").traffic().queued() == 2);
    List<Socket> served = new ArrayList<>();
    List<Socket> waiting = new ArrayList<>(clients);
    takeServed(waiting, served, 2);

    Socket leaving = waiting.remove(0);
    leaving.setSoLinger(true, 0);
    leaving.close();
    await().until(() -> balancer.stats().backend("bk").traffic().queued() == 1);

    served.get(0).close();
    takeServed(waiting, served, 1);
    assertThat(server.accepted()).isEqualTo(3);
  }

  @Test
  void aStuckClientWaitsForItsServerUntilItsQueueIsFull() throws Exception {
    server = TestBackend.greeting("s1");
    try (TestBackend other = TestBackend.greeting("s2")) {
      balancer =
          Balancer.builder()
              .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
              .backend("bk", b -> b.balance(io.steelyard.lb.schedule.Balance.first())
                  .stickOnSource(t -> t.size(10))
                  .server("s1", server.hostPort(), s -> s.maxConn(1).maxQueue(1))
                  .server("s2", other.hostPort()))
              .start();
      InetSocketAddress front = balancer.boundAddresses("ft").get(0);
      java.net.InetAddress client = TestClient.loopback(5);
      Socket holding = TestClient.connect(front, client);
      clients.add(holding);
      assertThat(TestClient.readLine(holding)).isEqualTo("s1");

      Socket waiting = TestClient.connect(front, client);
      clients.add(waiting);
      await().until(() -> balancer.stats().backend("bk").server("s1").traffic().queued() == 1);
      assertWaiting(waiting);
      Socket balanced = TestClient.connect(front, client);
      clients.add(balanced);
      assertThat(TestClient.readLine(balanced)).as("s1's queue is full").isEqualTo("s2");

      holding.close();
      assertThat(TestClient.readLine(waiting)).isEqualTo("s1");
      for (Socket socket : clients) {
        socket.close();
      }
      balancer.close();
    }
  }
}
