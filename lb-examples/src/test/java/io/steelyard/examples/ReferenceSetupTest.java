package io.steelyard.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.steelyard.launcher.haproxy.HaproxyConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reference setup in code is exactly the shipped haproxy.cfg, as the launcher reads it. */
class ReferenceSetupTest {

  @Test
  void theBuilderMatchesTheShippedHaproxyCfgOnEachHost() throws Exception {
    for (String host : List.of("lb1", "lb2")) {
      HaproxyConfig file = HaproxyConfig.read(List.of(Path.of("config/haproxy.cfg")), host);
      assertThat(ReferenceSetup.balancer(host).build()).as(host).isEqualTo(file.check());
      assertThat(file.transparent()).isTrue();
      assertThat(file.check().peers().get(0).local().name()).isEqualTo(host);
    }
  }
}
