package io.steelyard.lb;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steelyard.lb.health.HealthListener;
import io.steelyard.lb.health.OnError;
import io.steelyard.lb.health.ServerEvent;
import io.steelyard.lb.health.ServerStatus;
import io.steelyard.lb.schedule.Balance;
import io.steelyard.lb.stats.BackendStatus;
import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.TestClient;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Health checks against real servers that die and come back, under client load. */
class HealthCheckTest {
  private static final long INTER = 200;
  private static final int FALL = 3;
  private static final int RISE = 2;

  private final List<ServerEvent> events = new CopyOnWriteArrayList<>();
  private final List<Boolean> health = new CopyOnWriteArrayList<>();
  private final List<Long> eventTimes = new CopyOnWriteArrayList<>();
  private TestBackend s1;
  private TestBackend s2;
  private Balancer balancer;

  @AfterEach
  void tearDown() {
    if (balancer != null) {
      balancer.close();
    }
    s1.close();
    s2.close();
  }

  private void start(java.util.function.Consumer<ServerBuilder> s1Options) {
    s1 = TestBackend.greeting("s1");
    s2 = TestBackend.greeting("s2");
    balancer =
        Balancer.builder()
            .drainTimeout(ofSeconds(1))
            .listener(new HealthListener() {
              @Override
              public void serverChanged(ServerEvent event) {
                events.add(event);
                eventTimes.add(System.nanoTime());
              }

              @Override
              public void balancerHealthChanged(boolean healthy) {
                health.add(healthy);
              }
            })
            .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
            .backend("bk", b -> b.balance(Balance.leastConn()).retries(1).redispatch(true)
                .connectTimeout(ofMillis(200)).checkTimeout(ofMillis(200))
                .server("s1", s1.hostPort(), s1Options)
                .server("s2", s2.hostPort(), s -> s.check().inter(ofMillis(INTER))))
            .start();
  }

  @Test
  void aKilledServerGoesDownInTimeWithoutFailingClientsAndComesBack() throws Exception {
    start(s -> s.check().inter(ofMillis(INTER)).rise(RISE).fall(FALL));
    InetSocketAddress front = balancer.boundAddresses("ft").get(0);
    // Let both servers become steady (health at its top) before the kill.
    Thread.sleep(4 * INTER);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger served = new AtomicInteger();
    List<Long> failedStarts = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      for (int i = 0; i < 20_000 && !stop.get() && System.nanoTime() < deadline; i++) {
        long started = System.nanoTime();
        try {
          assertThat(TestClient.whoAnswers(front, TestClient.loopback(2 + i % 50))).isIn("s1", "s2");
          served.incrementAndGet();
        } catch (java.io.IOException e) {
          // A connection already relayed to s1 when it is killed is lost, as with HAProxy.
          failedStarts.add(started);
        }
      }
    });
    await().until(() -> served.get() > 100);

    int port = s1.address().getPort();
    long killedAt = System.nanoTime();
    s1.close();
    long killDone = System.nanoTime();
    await().atMost(ofSeconds(5)).until(() -> !events.isEmpty());

    ServerEvent down = events.get(0);
    long downMillis = TimeUnit.NANOSECONDS.toMillis(eventTimes.get(0) - killedAt);
    System.out.printf("s1 DOWN %d ms after the kill (bound %d ms)%n", downMillis, FALL * INTER + 200);
    assertThat(down.server()).isEqualTo("s1");
    assertThat(down.status()).isEqualTo(ServerStatus.DOWN);
    assertThat(down.message())
        .startsWith("Server bk/s1 is DOWN, reason: Layer4 connection problem, info: \"Connection refused\", check duration: ")
        .matches(".*1 active and 0 backup servers left\\. \\d+ sessions active, 0 requeued, 0 remaining in queue\\.");
    // A steady server needs FALL failed checks, INTER apart, the first within INTER of the kill:
    // not before (FALL - 1) x INTER, and by FALL x INTER plus the check timeout, with slack for a
    // busy shared machine.
    assertThat(downMillis).isBetween((FALL - 1) * INTER - 20, FALL * INTER + 200 + 1_000);
    long s1Total = balancer.stats().backend("bk").server("s1").traffic().total();
    int servedAtDown = served.get();
    await().until(() -> served.get() > servedAtDown + 200);
    assertThat(balancer.stats().backend("bk").server("s1").traffic().total())
        .as("no new connection to a DOWN server").isEqualTo(s1Total);

    s1 = TestBackend.greeting("s1", port);
    long restartedAt = System.nanoTime();
    await().atMost(ofSeconds(5)).until(() -> events.size() >= 2);
    long upMillis = TimeUnit.NANOSECONDS.toMillis(eventTimes.get(1) - restartedAt);
    System.out.printf("s1 UP %d ms after the restart (rise %d x inter %d ms)%n", upMillis, RISE, INTER);
    assertThat(events.get(1).status()).isEqualTo(ServerStatus.UP);
    assertThat(events.get(1).message())
        .startsWith("Server bk/s1 is UP, reason: Layer4 check passed, check duration: ");
    // RISE passed checks, INTER apart (downinter, then fastinter), the first within INTER.
    assertThat(upMillis).isBetween((RISE - 1) * INTER - 20, RISE * INTER + 1_000);
    await().until(() -> s1.accepted() > 0);

    stop.set(true);
    load.get(30, TimeUnit.SECONDS);
    assertThat(balancer.stats().frontend("ft").traffic().refused()).isZero();
    System.out.printf("%d connections served, %d lost on s1 as it was killed%n",
        served.get(), failedStarts.size());
    assertThat(failedStarts).as("connections that failed").allSatisfy(
        started -> assertThat(started).as("started while s1 was being killed").isLessThan(killDone));
  }

  @Test
  void aBackendWithNoUsableServerRefusesAtOnceAndTheBalancerTurnsUnhealthy() throws Exception {
    start(s -> s.check().inter(ofMillis(INTER)));
    assertThat(balancer.healthy()).isTrue();
    s1.close();
    s2.close();
    await().atMost(ofSeconds(5)).until(() -> !balancer.healthy());
    assertThat(health).containsExactly(true, false);

    try (Socket client = TestClient.connect(balancer.boundAddresses("ft").get(0))) {
      assertThat(client.getInputStream().read()).isEqualTo(-1);
    }
    assertThat(balancer.stats().backend("bk").traffic().refused()).isEqualTo(1);
    assertThat(balancer.stats().backend("bk").status()).isEqualTo(BackendStatus.DOWN);
  }

  @Test
  void observedConnectionErrorsMarkTheServerDown() throws Exception {
    // Checks so rare they never run during the test: only live traffic can take s1 down.
    start(s -> s.check().inter(ofSeconds(60)).observeLayer4().errorLimit(2).onError(OnError.MARK_DOWN));
    Thread.sleep(300); // s1's first check, due at once, passes before s1 dies
    s1.close();
    InetSocketAddress front = balancer.boundAddresses("ft").get(0);
    for (int i = 0; i < 4 && events.isEmpty(); i++) {
      assertThat(TestClient.whoAnswers(front, null)).isEqualTo("s2");
    }

    await().atMost(ofSeconds(5)).until(() -> !events.isEmpty());
    assertThat(events.get(0).message()).startsWith("Server bk/s1 is DOWN, reason: Health analyze");
  }

  @Test
  void onMarkedDownShutdownSessionsClosesTheServersConnections() throws Exception {
    start(s -> s.check().inter(ofMillis(INTER)).onMarkedDownShutdownSessions());
    InetSocketAddress front = balancer.boundAddresses("ft").get(0);
    try (Socket first = TestClient.connect(front);
        Socket second = TestClient.connect(front)) {
      String a = TestClient.readLine(first);
      String b = TestClient.readLine(second);
      Socket onS1 = a.equals("s1") ? first : second;
      Socket onS2 = a.equals("s1") ? second : first;
      assertThat(a).isNotEqualTo(b);

      s1.stopListening();
      await().atMost(ofSeconds(5)).until(() -> !events.isEmpty());

      assertThat(onS1.getInputStream().read()).as("s1's client is closed").isEqualTo(-1);
      onS2.getOutputStream().write("ping\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      assertThat(TestClient.readLine(onS2)).isEqualTo("ping");
    }
  }

  @Test
  void withoutShutdownSessionsADownServersConnectionsGoOn() throws Exception {
    start(s -> s.check().inter(ofMillis(INTER)));
    InetSocketAddress front = balancer.boundAddresses("ft").get(0);
    try (Socket first = TestClient.connect(front);
        Socket second = TestClient.connect(front)) {
      String a = TestClient.readLine(first);
      TestClient.readLine(second);
      Socket onS1 = a.equals("s1") ? first : second;

      s1.stopListening();
      await().atMost(ofSeconds(5)).until(() -> !events.isEmpty());

      onS1.getOutputStream().write("still\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      assertThat(TestClient.readLine(onS1)).isEqualTo("still");
    }
  }
}
