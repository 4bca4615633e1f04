package io.steelyard.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steelyard.lb.testing.Privileged;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's architecture end to end ({@link SeedTopology}): two balancer hosts running the
 * launcher on the shipped haproxy.cfg and keepalived-master.conf / keepalived-backup.conf, a client
 * on its own subnet, two backends whose gateway is the virtual address. One scenario, in order:
 * service through the master, its crash, its return, its graceful stop, a backend's death and
 * return. The takeover times go to standard output ("takeover: ...").
 */
@Privileged(tools = {"ip", "iptables", "socat", "ss"})
class SeedEndToEndTest {
  /**
   * keepalived's Master_Down interval for the backup (priority 100, advert 1 s, VRRPv2): 3 adverts
   * and the skew (256 - 100) / 256 s.
   */
  private static final Duration MASTER_DOWN = Duration.ofMillis(3_000 + (256 - 100) * 1000 / 256);

  @TempDir Path dir;

  @Test
  void theSeedSetupServesFailsOverAndRecovers() throws Exception {
    Path jar = Path.of(System.getProperty("steelyard.jar"));
    try (SeedTopology net = SeedTopology.create(dir, jar)) {
      net.launch("lb1", "keepalived-master.conf");
      net.launch("lb2", "keepalived-backup.conf");
      await().atMost(Duration.ofSeconds(10)).until(() -> net.holdsVip("lb1"));
      assertThat(net.holdsVip("lb2")).isFalse();

      // Service through the master: both ports, the client's own address at the backend,
      // leastconn spreading the four clients, each client staying on its server.
      Map<String, String> serverOf = new HashMap<>();
      for (String client : SeedTopology.CLIENTS) {
        for (int port : SeedTopology.PORTS) {
          String answer = net.ask(client, port);
          assertThat(answer).as("client %s, port %d", client, port).endsWith(" " + client);
          if (port == 80) {
            serverOf.put(client, backendOf(answer));
          }
        }
      }
      assertThat(new HashSet<>(serverOf.values())).containsExactlyInAnyOrder("be1", "be2");
      for (String client : SeedTopology.CLIENTS) {
        for (int i = 0; i < 3; i++) {
          assertThat(backendOf(net.ask(client, 80))).as("client %s sticks", client)
              .isEqualTo(serverOf.get(client));
        }
      }

      // kill -9 of the master: the backup takes the address within Master_Down, and serves.
      long killed = System.nanoTime();
      net.launcher("lb1").destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      await().atMost(MASTER_DOWN.plusSeconds(2)).pollInterval(Duration.ofMillis(20))
          .until(() -> net.holdsVip("lb2"));
      Duration crashTakeover = since(killed);
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
          .until(() -> net.ask(SeedTopology.CLIENTS.get(0), 80) != null);
      Duration crashService = since(killed);
      assertThat(net.ask(SeedTopology.CLIENTS.get(1), 443)).endsWith(" " + SeedTopology.CLIENTS.get(1));
      System.out.printf("takeover: kill -9 of the master -> VIP on the backup after %d ms "
          + "(Master_Down %d ms), first new connection served after %d ms%n",
          crashTakeover.toMillis(), MASTER_DOWN.toMillis(), crashService.toMillis());
      assertThat(crashTakeover).isLessThan(MASTER_DOWN.plusSeconds(1));

      // The old master returns: priority 101 and preemption (keepalived's default) take the
      // address back, and the backup lets it go.
      net.launch("lb1", "keepalived-master.conf");
      await().atMost(Duration.ofSeconds(10)).until(() -> net.holdsVip("lb1") && !net.holdsVip("lb2"));
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
          .until(() -> net.ask(SeedTopology.CLIENTS.get(2), 80) != null);

      // SIGTERM of the master: priority 0 first, so the backup takes over after its skew alone.
      long stopped = System.nanoTime();
      net.launcher("lb1").destroy();
      await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(10))
          .until(() -> net.holdsVip("lb2"));
      Duration gracefulTakeover = since(stopped);
      assertThat(net.launcher("lb1").waitFor(15, TimeUnit.SECONDS)).isTrue();
      assertThat(net.launcher("lb1").exitValue()).isZero();
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
          .until(() -> net.ask(SeedTopology.CLIENTS.get(3), 80) != null);
      System.out.printf("takeover: SIGTERM of the master -> VIP on the backup after %d ms, "
          + "first new connection served after %d ms%n",
          gracefulTakeover.toMillis(), since(stopped).toMillis());
      assertThat(gracefulTakeover).isLessThan(Duration.ofSeconds(1));

      // A backend dies: its clients move to the other (health checks: inter 2 s, fall 3).
      String client = SeedTopology.CLIENTS.get(0);
      String first = backendOf(net.ask(client, 80));
      String other = first.equals("be1") ? "be2" : "be1";
      net.stopBackend(first);
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
          .until(() -> other.equals(backendOf(net.ask(client, 80))));
      assertThat(backendOf(net.ask(client, 80))).isEqualTo(other);

      // It returns: once it is up again (rise 2), new clients reach it; the moved client stays.
      net.startBackend(first);
      Iterator<String> newcomers = SeedTopology.NEWCOMERS.iterator();
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1))
          .until(() -> first.equals(backendOf(net.ask(newcomers.next(), 443))));
      assertThat(backendOf(net.ask(client, 80))).isEqualTo(other);
    }
  }

  private static String backendOf(String answer) {
    return answer == null ? null : answer.split(" ")[0];
  }

  private static Duration since(long nanos) {
    return Duration.ofNanos(System.nanoTime() - nanos);
  }
}
