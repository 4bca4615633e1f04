package io.steelyard.lb.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** HAProxy 2.6's health arithmetic, step by step. */
class HealthTest {
  private static final Duration INTER = Duration.ofSeconds(2);
  private static final Duration FAST = Duration.ofMillis(500);
  private static final Duration DOWN = Duration.ofSeconds(10);

  private static CheckSettings settings(int rise, int fall, boolean observe, OnError onError) {
    return new CheckSettings(Check.connect(), null, null, 0, false, INTER, FAST, DOWN, rise, fall, null, observe, 3, onError, false);
  }

  private static Health health(int rise, int fall) {
    return new Health(settings(rise, fall, false, OnError.FASTINTER));
  }

  @Test
  void startsUpAndFallsAtTheFirstFailedCheck() {
    Health health = health(2, 3);
    assertThat(health.up()).isTrue();
    assertThat(health.value()).isEqualTo(2);

    assertThat(health.failed()).isTrue();
    assertThat(health.up()).isFalse();
    assertThat(health.value()).isZero();
  }

  @Test
  void onceSteadyItTakesFallFailuresToGoDown() {
    Health health = health(2, 3);
    health.passed();
    assertThat(health.value()).isEqualTo(4);

    assertThat(health.failed()).isFalse();
    assertThat(health.failed()).isFalse();
    assertThat(health.up()).isTrue();
    assertThat(health.failed()).isTrue();
    assertThat(health.up()).isFalse();
  }

  @Test
  void takesRisePassedChecksToComeBack() {
    Health health = health(2, 3);
    health.failed();

    assertThat(health.passed()).isFalse();
    assertThat(health.up()).isFalse();
    assertThat(health.passed()).isTrue();
    assertThat(health.up()).isTrue();
    assertThat(health.value()).as("jumps to steady").isEqualTo(4);
  }

  @Test
  void aFailureWhileRisingStartsOver() {
    Health health = health(3, 2);
    health.failed();
    health.passed();
    health.passed();
    health.failed();

    assertThat(health.value()).isZero();
    assertThat(health.passed()).isFalse();
    assertThat(health.passed()).isFalse();
    assertThat(health.passed()).isTrue();
  }

  @Test
  void intervalsFollowTheState() {
    Health health = health(2, 3);
    assertThat(health.nextInterval()).as("starting, not steady").isEqualTo(FAST);
    health.passed();
    assertThat(health.nextInterval()).as("steady").isEqualTo(INTER);
    health.failed();
    assertThat(health.nextInterval()).as("going down").isEqualTo(FAST);
    health.failed();
    health.failed();
    assertThat(health.nextInterval()).as("fully down").isEqualTo(DOWN);
    health.passed();
    assertThat(health.nextInterval()).as("coming up").isEqualTo(FAST);
  }

  @Test
  void observedErrorsWithoutObserveChangeNothing() {
    Health health = health(2, 3);
    for (int i = 0; i < 10; i++) {
      assertThat(health.observedError()).isFalse();
    }
    assertThat(health.value()).isEqualTo(2);
    assertThat(health.fastInterForced()).isFalse();
  }

  @Test
  void fastinterOnlyChecksSooner() {
    Health health = new Health(settings(2, 3, true, OnError.FASTINTER));
    health.passed();
    health.observedError();
    health.observedError();
    assertThat(health.fastInterForced()).isFalse();

    assertThat(health.observedError()).isFalse();
    assertThat(health.value()).isEqualTo(4);
    assertThat(health.fastInterForced()).isTrue();
    assertThat(health.nextInterval()).isEqualTo(FAST);
    health.passed();
    assertThat(health.nextInterval()).as("a check clears it").isEqualTo(INTER);
  }

  @Test
  void aSuccessfulConnectionResetsTheRunOfErrors() {
    Health health = new Health(settings(2, 3, true, OnError.MARK_DOWN));
    health.passed();
    health.observedError();
    health.observedError();
    health.observedSuccess();
    health.observedError();
    health.observedError();

    assertThat(health.up()).isTrue();
    assertThat(health.observedError()).isTrue();
  }

  @Test
  void failCheckCountsAsOneFailedCheck() {
    Health health = new Health(settings(2, 3, true, OnError.FAIL_CHECK));
    health.passed();
    for (int i = 0; i < 3; i++) {
      health.observedError();
    }
    assertThat(health.value()).isEqualTo(3);
    assertThat(health.up()).isTrue();
  }

  @Test
  void suddenDeathLeavesOneFailureToDown() {
    Health health = new Health(settings(2, 5, true, OnError.SUDDEN_DEATH));
    health.passed();
    assertThat(health.value()).isEqualTo(6);
    for (int i = 0; i < 3; i++) {
      health.observedError();
    }

    assertThat(health.up()).isTrue();
    assertThat(health.value()).isEqualTo(2);
    assertThat(health.failed()).isTrue();
  }

  @Test
  void markDownTakesItDownAtOnce() {
    Health health = new Health(settings(2, 5, true, OnError.MARK_DOWN));
    health.passed();
    health.observedError();
    health.observedError();

    assertThat(health.observedError()).isTrue();
    assertThat(health.up()).isFalse();
    assertThat(health.nextInterval()).as("down but forced").isEqualTo(DOWN);
  }

  @Test
  void checkTimeoutIsInterUnlessTimeoutCheckIsSet() {
    CheckSettings plain = settings(2, 3, false, OnError.FASTINTER);
    assertThat(plain.checkTimeout(Duration.ofSeconds(5))).isEqualTo(INTER);
    CheckSettings timed =
        new CheckSettings(Check.connect(), null, null, 0, false, INTER, FAST, DOWN, 2, 3, Duration.ofSeconds(1), false, 3, OnError.FASTINTER, false);
    assertThat(timed.checkTimeout(Duration.ofSeconds(5))).isEqualTo(INTER);
    assertThat(timed.checkTimeout(Duration.ZERO)).as("connect timeout 0, none").isEqualTo(INTER);
    assertThat(timed.checkTimeout(Duration.ofMillis(300))).isEqualTo(Duration.ofMillis(300));
  }

  @Test
  void onErrorKeywords() {
    assertThat(OnError.of("sudden-death")).isEqualTo(OnError.SUDDEN_DEATH);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> OnError.of("explode"))
        .hasMessageContaining("'explode'");
  }
}
