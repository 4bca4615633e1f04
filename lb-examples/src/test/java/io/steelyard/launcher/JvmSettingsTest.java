package io.steelyard.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JvmSettingsTest {
  private static final long GIB = 1024L * 1024 * 1024;

  @Test
  void aHeapFromMaxconnOnTheSerialCollectorWithRoomForRelayBuffers() {
    assertThat(JvmSettings.forBalancer(9_500, 0, 24 * GIB))
        .containsExactly("-Xms88m", "-Xmx88m", "-Xmn24m", "-XX:+UseSerialGC",
            "-XX:MaxDirectMemorySize=2375m");
  }

  @Test
  void stickTablesAddToTheHeapButNotToTheYoungGeneration() {
    assertThat(JvmSettings.forBalancer(9_500, 600_000, 24 * GIB))
        .containsExactly("-Xms235m", "-Xmx235m", "-Xmn24m", "-XX:+UseSerialGC",
            "-XX:MaxDirectMemorySize=2375m");
  }

  @Test
  void aSmallBalancerGetsTheBaseHeapAndSomeDirectMemory() {
    assertThat(JvmSettings.forBalancer(100, 0, 24 * GIB))
        .containsExactly("-Xms33m", "-Xmx33m", "-Xmn11m", "-XX:+UseSerialGC",
            "-XX:MaxDirectMemorySize=64m");
  }

  @Test
  void aLargeHeapRunsOnG1() {
    assertThat(JvmSettings.forBalancer(200_000, 200_000, 64 * GIB))
        .containsExactly("-Xms1253m", "-Xmx1253m", "-XX:+UseG1GC", "-XX:MaxDirectMemorySize=32768m");
  }

  @Test
  void theMachineBoundsBothHeapAndDirectMemory() {
    assertThat(JvmSettings.forBalancer(500_000, 0, 2 * GIB))
        .containsExactly("-Xms512m", "-Xmx512m", "-Xmn24m", "-XX:+UseSerialGC",
            "-XX:MaxDirectMemorySize=1024m");
  }

  @Test
  void withoutMaxconnTheDescriptorLimitDecides() {
    assertThat(JvmSettings.fromDescriptorLimit(20_000)).isEqualTo(10_000);
    assertThat(JvmSettings.fromDescriptorLimit(64)).isEqualTo(100);
  }

  @Test
  void refusesWhatCannotBeSized() {
    assertThatThrownBy(() -> JvmSettings.forBalancer(0, 0, GIB))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not 0, " + GIB + " and 0");
  }
}
