package io.steelyard.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steelyard.lb.testing.Privileged;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * keepalived's classic active/active pair, the example files of config/active-active on the seed's
 * topology ({@link SeedTopology}): each host is master of one virtual address and forwards its
 * clients; a client keeps its server through both addresses, whichever host forwards it, by the
 * stick table both share through {@code peers}; and when one host stops, the other holds both
 * addresses and the clients keep their servers.
 */
@Privileged(tools = {"ip", "socat", "ss"})
class ActiveActiveTest {
  private static final String VIP1 = "198.51.100.100";
  private static final String VIP2 = "198.51.100.101";

  @TempDir Path dir;

  @Test
  void eachHostForwardsOneAddressAndAClientKeepsItsServerThroughBothAndAFailover() throws Exception {
    try (SeedTopology net = SeedTopology.create(dir, Path.of(System.getProperty("steelyard.jar")))) {
      net.launchActiveActive("lb1");
      net.launchActiveActive("lb2");
      await().atMost(Duration.ofSeconds(15)).until(() -> net.holdsVip("lb1", VIP1)
          && net.holdsVip("lb2", VIP2) && !net.holdsVip("lb1", VIP2) && !net.holdsVip("lb2", VIP1));

      Map<String, String> servers = new LinkedHashMap<>();
      for (String client : SeedTopology.CLIENTS) {
        String answer = net.ask(client, VIP1, 80);
        assertThat(answer).as("through lb1, which connects from its own address").endsWith(" 198.51.100.11");
        servers.put(client, answer.split(" ")[0]);
      }
      TimeUnit.MILLISECONDS.sleep(500); // the entries reach lb2 through peers
      for (String client : SeedTopology.CLIENTS) {
        assertThat(net.ask(client, VIP2, 80)).as(client + " through lb2")
            .isEqualTo(servers.get(client) + " 198.51.100.12");
      }

      net.launcher("lb1").destroy();
      await().atMost(Duration.ofSeconds(10)).until(() -> net.holdsVip("lb2", VIP1) && net.holdsVip("lb2", VIP2));
      for (String client : SeedTopology.CLIENTS) {
        assertThat(net.ask(client, VIP1, 80)).as(client + " through lb2 after lb1 stopped")
            .isEqualTo(servers.get(client) + " 198.51.100.12");
      }
      System.out.println("active/active: " + servers.size() + " clients kept their servers " + servers
          + " through both hosts and after lb1 stopped");
    }
  }
}
