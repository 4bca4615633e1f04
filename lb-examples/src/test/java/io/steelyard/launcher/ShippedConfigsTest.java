package io.steelyard.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The example files in lb-examples/config pass {@code -c}, each alone and as the pairs they make,
 * the master host as peer {@code lb1} and the backup as {@code lb2} ({@code -L}); so do the
 * active/active pair's (config/active-active) and the fleet's haproxy.cfg for each of its three
 * balancers (config/fleet).
 */
class ShippedConfigsTest {
  private static final Path CONFIG = Path.of("config");

  @ParameterizedTest
  @ValueSource(strings = {"haproxy.cfg", "keepalived-master.conf", "keepalived-backup.conf",
      "active-active/haproxy.cfg", "active-active/keepalived-lb1.conf",
      "active-active/keepalived-lb2.conf", "fleet/haproxy.cfg"})
  void eachFilePassesTheCheck(String file) throws Exception {
    Launch run = Launch.of("-c", "-L", "lb1", "-f", CONFIG.resolve(file).toString());
    assertThat(run.err()).doesNotContain("[ALERT]");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("Configuration file is valid\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"keepalived-master.conf", "keepalived-backup.conf"})
  void eachHostsPairPassesTheCheck(String keepalived) throws Exception {
    Launch run = Launch.of("-c", "-L", keepalived.contains("master") ? "lb1" : "lb2",
        "-f", CONFIG.resolve("haproxy.cfg").toString(), "-f", CONFIG.resolve(keepalived).toString());
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.err()).doesNotContain("[ALERT]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"lb1", "lb2"})
  void eachActiveActiveHostPassesTheCheck(String host) throws Exception {
    Path files = CONFIG.resolve("active-active");
    Launch run = Launch.of("-c", "-L", host, "-f", files.resolve("haproxy.cfg").toString(),
        "-f", files.resolve("keepalived-" + host + ".conf").toString());
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.err()).doesNotContain("[ALERT]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"lb1", "lb2", "lb3"})
  void eachFleetBalancerPassesTheCheck(String host) throws Exception {
    Launch run = Launch.of("-c", "-L", host, "-f", CONFIG.resolve("fleet/haproxy.cfg").toString());
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("Configuration file is valid\n");
  }

  @Test
  void withoutItsPeerNameTheFileSaysWhichNameItLacks() throws Exception {
    Launch run = Launch.of("-c", "-L", "lb9", "-f", CONFIG.resolve("haproxy.cfg").toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("peers section 'lb_peers' has no peer named 'lb9', the local peer name (from -L)");
  }

  @Test
  void theSeedsOwnFileWithItsTwoServersNamedS1GivesHaproxysError() throws Exception {
    Path seed = Files.createTempFile("seed", ".cfg");
    try {
      String shipped = Files.readString(CONFIG.resolve("haproxy.cfg"));
      Files.writeString(seed, shipped.replace("server s2 198.51.100.22:80", "server s1 198.51.100.22:80"));
      int line = lineOf(shipped, "server s2 198.51.100.22:80");
      Launch run = Launch.of("-c", "-L", "lb1", "-f", seed.toString());
      assertThat(run.status()).isEqualTo(1);
      assertThat(run.err()).isEqualTo("[ALERT] parsing [" + seed + ":" + line + "] : backend 'bk_http',"
          + " another server named 's1' was already defined at line " + (line - 1)
          + ", please use distinct names.\n");
    } finally {
      Files.delete(seed);
    }
  }

  private static int lineOf(String text, String needle) {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].contains(needle)) {
        return i + 1;
      }
    }
    throw new AssertionError("no line with " + needle);
  }
}
