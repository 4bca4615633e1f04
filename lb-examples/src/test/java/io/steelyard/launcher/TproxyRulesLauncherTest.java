package io.steelyard.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steelyard.lb.testing.NetworkNamespace;
import io.steelyard.lb.testing.Privileged;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --tproxy-rules}: the launcher applies the routing rules when it starts a transparent
 * file and removes them when it stops, in a network namespace that the test creates and deletes.
 */
@Privileged(tools = {"ip", "iptables"})
class TproxyRulesLauncherTest {
  @TempDir Path dir;

  @Test
  void appliesTheRulesAtStartAndRemovesThemOnSigterm() throws Exception {
    Path jar = Path.of(System.getProperty("steelyard.jar"));
    Path cfg = Files.writeString(dir.resolve("haproxy.cfg"), """
        defaults
            mode tcp
            timeout connect 1s
            timeout client 5s
            timeout server 5s
        frontend ft
            bind 127.0.0.1:8080 transparent
            default_backend bk
        backend bk
            source 0.0.0.0 usesrc clientip
            server s1 127.0.0.1:9
        """);
    Path err = dir.resolve("err.txt");
    try (NetworkNamespace ns = NetworkNamespace.create("launch")) {
      Process steelyard =
          new ProcessBuilder(ns.prefixed(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-jar", jar.toString(), "-f", cfg.toString(), "--tproxy-rules"))
              .redirectOutput(dir.resolve("out.txt").toFile())
              .redirectError(err.toFile())
              .start();
      try {
        await().atMost(Duration.ofSeconds(30))
            .until(() -> Files.readString(err, StandardCharsets.UTF_8).contains("listening on"));
        assertThat(ns.exec("iptables-save", "-t", "mangle")).contains("-A PREROUTING -p tcp -m socket -j DIVERT");
        assertThat(ns.exec("ip", "rule", "list")).contains("lookup 100");

        steelyard.destroy();
        assertThat(steelyard.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(steelyard.exitValue()).as(Files.readString(err)).isZero();

        assertThat(ns.exec("iptables-save", "-t", "mangle")).doesNotContain("DIVERT");
        assertThat(ns.exec("ip", "rule", "list")).doesNotContain("lookup 100");
        assertThat(ns.exec("ip", "route", "show", "table", "all")).doesNotContain("table 100");
      } finally {
        if (steelyard.isAlive()) {
          steelyard.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }
}
