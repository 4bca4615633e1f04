package io.steelyard.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JvmSettingsTest {
  private static final long GIB = 1024L * 1024 * 1024;

  @ParameterizedTest(name = "maxconn {0}, {1} stick entries, {2} GiB: {3}")
  @CsvSource(delimiter = '|', textBlock = """
      # a heap from maxconn on the serial collector, with room for relay buffers
      9500   | 0      | 24 | -Xms88m -Xmx88m -Xmn24m -XX:+UseSerialGC -XX:MaxDirectMemorySize=2375m
      # stick tables add to the heap, not to the young generation
      9500   | 600000 | 24 | -Xms235m -Xmx235m -Xmn24m -XX:+UseSerialGC -XX:MaxDirectMemorySize=2375m
      # a small balancer: the base heap, some direct memory
      100    | 0      | 24 | -Xms33m -Xmx33m -Xmn11m -XX:+UseSerialGC -XX:MaxDirectMemorySize=64m
      # a large heap runs on G1
      200000 | 200000 | 64 | -Xms1253m -Xmx1253m -XX:+UseG1GC -XX:MaxDirectMemorySize=32768m
      # the machine bounds heap and direct memory
      500000 | 0      | 2  | -Xms512m -Xmx512m -Xmn24m -XX:+UseSerialGC -XX:MaxDirectMemorySize=1024m
      """)
  void sizesTheJvmForTheBalancer(long maxConn, long stickEntries, long memoryGib, String options) {
    assertThat(String.join(" ", JvmSettings.forBalancer(maxConn, stickEntries, memoryGib * GIB)))
        .isEqualTo(options);
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
