package io.steelyard.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ConfigValuesTest {

  @ParameterizedTest
  @CsvSource({
    "50000, PT50S",
    "1500ms, PT1.5S",
    "10us, PT0.00001S",
    "5s, PT5S",
    "2m, PT2M",
    "3h, PT3H",
    "1d, PT24H",
    "0, PT0S",
  })
  void timesTakeHaproxysUnitsAndMillisecondsByDefault(String text, Duration expected) {
    assertThat(ConfigValues.time("timeout client", text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "5x, x",
    "-5s, -",
    "1.5s, .",
    "5msx, x",
    "5sec, e",
    "5u, u",
    "s, s",
  })
  void aMalformedTimeNamesTheCharacterThatDoesNotFit(String text, char bad) {
    assertThatThrownBy(() -> ConfigValues.time("timeout server", text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unexpected character '" + bad + "' in 'timeout server'");
  }

  @Test
  void anEmptyTimeAndAnOverflowAreErrors() {
    assertThatThrownBy(() -> ConfigValues.time("timeout connect", ""))
        .hasMessage("'timeout connect' expects an integer value (in milliseconds).");
    assertThatThrownBy(() -> ConfigValues.time("timeout connect", "99999999999999999999"))
        .hasMessageStartingWith("timer overflow in argument '99999999999999999999' to 'timeout connect'");
    assertThatThrownBy(() -> ConfigValues.time("timeout connect", "999999999999999d"))
        .hasMessageStartingWith("timer overflow");
  }

  @Test
  void integersArePlainDecimals() {
    assertThat(ConfigValues.integer("maxconn", "2000")).isEqualTo(2000);
    assertThat(ConfigValues.integer("maxconn", "-1")).isEqualTo(-1);
    assertThat(ConfigValues.integer("maxconn", "+7")).isEqualTo(7);
  }

  @ParameterizedTest
  @CsvSource({"10k", "1m", "abc", "1.5", "0x10", "''"})
  void sizeSuffixesAndOtherNonIntegersAreErrors(String text) {
    assertThatThrownBy(() -> ConfigValues.integer("maxconn", text))
        .hasMessage("'maxconn' expects an integer argument (got '" + text + "').");
  }

  @Test
  void anIntegerBeyondAnIntIsOutOfRange() {
    assertThatThrownBy(() -> ConfigValues.integer("weight", "99999999999"))
        .hasMessage("'weight' value '99999999999' is out of range.");
  }

  @Test
  void namesTakeLettersDigitsAndDotColonUnderscoreDash() {
    assertThat(ConfigValues.name("server name", "web-01.a_b:1")).isEqualTo("web-01.a_b:1");
    assertThatThrownBy(() -> ConfigValues.name("server name", "s 1"))
        .hasMessage("character ' ' is not permitted in server name 's 1'.");
    assertThatThrownBy(() -> ConfigValues.name("'backend' name", "bk/1"))
        .hasMessage("character '/' is not permitted in 'backend' name 'bk/1'.");
  }
}
