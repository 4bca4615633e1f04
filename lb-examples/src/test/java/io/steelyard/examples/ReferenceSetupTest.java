package io.steelyard.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.steelyard.launcher.haproxy.HaproxyConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reference setup in code is exactly the shipped haproxy.cfg, as the launcher reads it. */
class ReferenceSetupTest {

  @Test
  void theBuilderMatchesTheShippedHaproxyCfg() throws Exception {
    HaproxyConfig file = HaproxyConfig.read(List.of(Path.of("config/haproxy.cfg")));
    assertThat(ReferenceSetup.balancer().build()).isEqualTo(file.check());
    assertThat(file.transparent()).isTrue();
  }
}
