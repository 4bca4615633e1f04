package io.steelyard.lb.stick;

import static java.time.Duration.ofMinutes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StickTableBuilderTest {

  @Test
  void theLimitsAreAccepted() {
    assertThat(StickTable.builder().size(1).expire(Duration.ofNanos(1)).build().size()).isEqualTo(1);
    assertThat(
            StickTable.builder()
                .size(StickTable.MAX_SIZE)
                .expire(StickTable.MAX_EXPIRE)
                .build()
                .expire())
        .isEqualTo(Duration.ofMillis(Integer.MAX_VALUE));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, StickTable.MAX_SIZE + 1})
  void aSizeOutOfRangeIsNamed(int size) {
    assertThatThrownBy(() -> StickTable.builder().size(size))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("stick-table size must be 1 to 100000000: " + size);
  }

  @Test
  void anExpireThatIsNotPositiveIsNamed() {
    assertThatThrownBy(() -> StickTable.builder().expire(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("stick-table expire must be > 0: PT0S");
    assertThatThrownBy(() -> StickTable.builder().expire(Duration.ofSeconds(-5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("stick-table expire must be > 0: PT-5S");
  }

  @Test
  void anExpireBeyondHaproxysLimitIsNamed() {
    assertThatThrownBy(() -> StickTable.builder().expire(Duration.ofDays(25)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("stick-table expire must be at most PT596H31M23.647S: PT600H");
  }

  @Test
  void aSettingSetTwiceFails() {
    assertThatThrownBy(() -> StickTable.builder().size(10).size(20))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("stick-table size was already set to 10");
    assertThatThrownBy(() -> StickTable.builder().expire(ofMinutes(30)).expire(ofMinutes(5)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("stick-table expire was already set to PT30M");
    assertThatThrownBy(
            () -> StickTable.builder().ticker(Ticker.systemTicker()).ticker(Ticker.systemTicker()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("stick-table ticker was already set");
  }

  @Test
  void sizeAndExpireMustBeSet() {
    assertThatThrownBy(() -> StickTable.builder().expire(ofMinutes(30)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("stick-table size must be set");
    assertThatThrownBy(() -> StickTable.builder().size(10).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("stick-table expire must be set");
  }

  @Test
  void nullsAreNamed() {
    assertThatThrownBy(() -> StickTable.builder().expire(null)).hasMessage("expire");
    assertThatThrownBy(() -> StickTable.builder().ticker(null)).hasMessage("ticker");
  }

  @Test
  void eachBuildMakesANewEmptyTable() {
    StickTable.Builder builder = StickTable.builder().size(10).expire(ofMinutes(30));
    StickTable first = builder.build();
    first.setServer(Addresses.ip("192.0.2.1"), 1);

    assertThat(builder.build().entries()).isEmpty();
  }
}
