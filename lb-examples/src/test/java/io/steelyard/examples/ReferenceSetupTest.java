package io.steelyard.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.steelyard.launcher.haproxy.HaproxyConfig;
import io.steelyard.lb.config.BalancerConfig;
import io.steelyard.lb.config.FrontendConfig;
import io.steelyard.lb.config.TrafficLogging;
import io.steelyard.lb.log.LogSink;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reference setup in code is exactly the shipped haproxy.cfg, as the launcher reads it, but
 * where the connection log goes: the file's syslog target, the code's SLF4J logger.
 */
class ReferenceSetupTest {

  private static BalancerConfig logsToSlf4j(BalancerConfig config) {
    return new BalancerConfig(
        config.frontends().stream().map(f -> new FrontendConfig(f.name(), f.binds(), f.defaultBackend(),
            f.maxConn(), f.clientTimeout(), f.transparent(), f.clientKeepAlive(),
            f.logging() == null ? null : new TrafficLogging(
                LogSink.slf4j(), f.logging().dontLogNull(), f.logging().format())))
            .toList(),
        config.backends(), config.maxConn(), config.drainTimeout(), config.ioThreads(), config.peers());
  }

  @Test
  void theBuilderMatchesTheShippedHaproxyCfgOnEachHost() throws Exception {
    for (String host : List.of("lb1", "lb2")) {
      HaproxyConfig file = HaproxyConfig.read(List.of(Path.of("config/haproxy.cfg")), host);
      assertThat(ReferenceSetup.balancer(host).build()).as(host).isEqualTo(logsToSlf4j(file.check()));
      assertThat(file.transparent()).isTrue();
      assertThat(file.check().peers().get(0).local().name()).isEqualTo(host);
    }
  }
}
