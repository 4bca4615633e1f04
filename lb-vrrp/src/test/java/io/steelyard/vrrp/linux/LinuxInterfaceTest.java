package io.steelyard.vrrp.linux;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Interface look-up errors name what is wrong; no privilege needed. */
class LinuxInterfaceTest {
  @Test
  void missingInterfaceIsNamed() {
    assertThatThrownBy(() -> LinuxInterface.lookup("sy-nosuch0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no network interface named 'sy-nosuch0'");
  }

  @Test
  void malformedNamesAreRefusedBeforeAnyLookUp() {
    assertThatThrownBy(() -> LinuxInterface.lookup("a/b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a/b'");
    assertThatThrownBy(() -> LinuxInterface.lookup("sixteen-chars-xx"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sixteen-chars-xx");
  }
}
