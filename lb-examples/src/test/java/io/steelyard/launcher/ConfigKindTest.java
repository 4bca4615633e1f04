package io.steelyard.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A file given with {@code -f} is told HAProxy's or keepalived's by its content. */
class ConfigKindTest {
  /** How the seed's keepalived.conf starts: a comment, then global_defs. */
  private static final String SEED_START =
      "! Configuration File for keepalived\nglobal_defs {\n   router_id LVS_DEVEL\n}\n";

  @Test
  void tellsTheKindOfAFileByItsFirstKeywordOrItsBlocks() {
    assertThat(ConfigKind.of("f", "# haproxy\nglobal\n  daemon\n")).isEqualTo(ConfigKind.HAPROXY);
    assertThat(ConfigKind.of("f", "")).isEqualTo(ConfigKind.HAPROXY);
    assertThat(ConfigKind.of("f", SEED_START)).isEqualTo(ConfigKind.KEEPALIVED);
    assertThat(ConfigKind.of("f", "! x\nvrrp_instance VI_1 {\n}\n"))
        .isEqualTo(ConfigKind.KEEPALIVED);
    assertThat(ConfigKind.of("f", "vrrp_sync_group G {\n}\n")).isEqualTo(ConfigKind.KEEPALIVED);
    assertThat(ConfigKind.of("f", "frobnicate {\n}\n")).isEqualTo(ConfigKind.KEEPALIVED);
    assertThatThrownBy(() -> ConfigKind.of("f", "\nfrobnicate 1\n"))
        .isInstanceOf(ConfigFileException.class)
        .hasMessageStartingWith("parsing [f:2] : cannot tell whether this is an HAProxy or a"
            + " keepalived configuration: its first keyword 'frobnicate' is neither an HAProxy"
            + " section (global, defaults, frontend, backend, listen");
  }
}
