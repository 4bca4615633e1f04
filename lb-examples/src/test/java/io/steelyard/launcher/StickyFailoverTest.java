package io.steelyard.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steelyard.lb.testing.Privileged;
import io.steelyard.lb.testing.UnixSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stickiness through a failover, on the seed's topology ({@link SeedTopology}): 25 clients
 * connect through the master and each sticks to its server. With the example file's {@code peers}
 * section, the backup has their entries when it takes over after a {@code kill -9} of the master,
 * the master learns them back when it returns, and the backup still has them when the master
 * stops (SIGTERM): 25 of 25 clients reach the server they had after each move. Without {@code
 * peers}, the control: after the first move the backup balances them afresh, and fewer do.
 */
@Privileged(tools = {"ip", "iptables", "socat", "ss"})
class StickyFailoverTest {
  private static final Duration MASTER_DOWN = Duration.ofMillis(3_000 + (256 - 100) * 1000 / 256);
  private static final List<String> CLIENTS = SeedTopology.NEWCOMERS;

  @TempDir Path dir;

  @Test
  void withPeersEveryClientKeepsItsServerThroughAKillAndAStop() throws Exception {
    try (SeedTopology net = SeedTopology.create(dir, Path.of(System.getProperty("steelyard.jar")))) {
      Map<String, String> before = connectThroughTheMaster(net, true);
      await().atMost(Duration.ofSeconds(2))
          .until(() -> entries(net, "lb2") == CLIENTS.size());

      killMaster(net);
      assertThat(same(net, before)).as("after kill -9 of the master").isEqualTo(CLIENTS.size());

      net.launch("lb1", "keepalived-master.conf", true);
      await().atMost(Duration.ofSeconds(10)).until(() -> net.holdsVip("lb1") && !net.holdsVip("lb2"));
      await().atMost(Duration.ofSeconds(2)).until(() -> entries(net, "lb1") == CLIENTS.size());
      assertThat(same(net, before)).as("through the returned master, which learned the table").isEqualTo(CLIENTS.size());

      stopMaster(net);
      assertThat(same(net, before)).as("after SIGTERM of the master").isEqualTo(CLIENTS.size());
    }
  }

  @Test
  void withoutPeersTheBackupBalancesTheClientsAfresh() throws Exception {
    try (SeedTopology net = SeedTopology.create(dir, Path.of(System.getProperty("steelyard.jar")))) {
      Map<String, String> before = connectThroughTheMaster(net, false);
      assertThat(entries(net, "lb2")).isZero();
      killMaster(net);
      int kept = same(net, before);
      System.out.printf("control without peers: %d of %d clients kept their server after kill -9%n",
          kept, CLIENTS.size());
      assertThat(kept).isLessThan(CLIENTS.size());
    }
  }

  /** Starts both balancers and connects each client once through the master: its server. */
  private static Map<String, String> connectThroughTheMaster(SeedTopology net, boolean peers) throws Exception {
    net.launch("lb1", "keepalived-master.conf", peers);
    net.launch("lb2", "keepalived-backup.conf", peers);
    await().atMost(Duration.ofSeconds(10)).until(() -> net.holdsVip("lb1"));
    Map<String, String> serverOf = new LinkedHashMap<>();
    for (String client : CLIENTS) {
      serverOf.put(client, backendOf(net.ask(client, 80)));
    }
    assertThat(serverOf.values()).doesNotContainNull().contains("be1", "be2");
    return serverOf;
  }

  private static void killMaster(SeedTopology net) throws Exception {
    net.launcher("lb1").destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    await().atMost(MASTER_DOWN.plusSeconds(2)).pollInterval(Duration.ofMillis(20))
        .until(() -> net.holdsVip("lb2"));
  }

  private static void stopMaster(SeedTopology net) throws Exception {
    net.launcher("lb1").destroy();
    await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(10)).until(() -> net.holdsVip("lb2"));
    assertThat(net.launcher("lb1").waitFor(15, TimeUnit.SECONDS)).isTrue();
  }

  /**
   * How many clients reach the server they had. A client outside the 25 goes first, so that a
   * balancer without their entries does not hand out servers in the master's order by chance.
   */
  private static int same(SeedTopology net, Map<String, String> before) throws Exception {
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .until(() -> net.ask(SeedTopology.CLIENTS.get(0), 80) != null);
    int same = 0;
    for (Map.Entry<String, String> client : before.entrySet()) {
      if (client.getValue().equals(backendOf(net.ask(client.getKey(), 80)))) {
        same++;
      }
    }
    return same;
  }

  /** The entries of the 25 clients in {@code lbHost}'s table of port 80. */
  private static long entries(SeedTopology net, String lbHost) throws Exception {
    String table = UnixSocket.ask(net.statsSocket(lbHost), "show table bk_http\n");
    return CLIENTS.stream().filter(client -> table.contains("key=" + client + " ")).count();
  }

  private static String backendOf(String answer) {
    return answer == null ? null : answer.split(" ")[0];
  }
}
