package io.steelyard.launcher;

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

  @ParameterizedTest
  @CsvSource({
    "0, 0",
    "200, 200",
    "1k, 1024",
    "200k, 204800",
    "3K, 3072",
    "1m, 1048576",
    "2M, 2097152",
    "1g, 1073741824",
    "1G, 1073741824",
  })
  void sizesTakeHaproxysBinarySuffixes(String text, int expected) {
    assertThat(ConfigValues.size("stick-table size", text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"10x, x", "1kb, b", "1kk, k", "k, k", "-1, -", "1.5k, ."})
  void aMalformedSizeNamesTheCharacterThatDoesNotFit(String text, char bad) {
    assertThatThrownBy(() -> ConfigValues.size("stick-table size", text))
        .hasMessage("unexpected character '" + bad + "' in 'stick-table size'");
  }

  @ParameterizedTest
  @CsvSource({"2g", "2147483648", "99999999999999999999", "9999999999g"})
  void aSizeBeyondAnIntIsOutOfRange(String text) {
    assertThatThrownBy(() -> ConfigValues.size("stick-table size", text))
        .hasMessage("'stick-table size' value '" + text + "' is out of range.");
  }

  @Test
  void anEmptySizeIsAnError() {
    assertThatThrownBy(() -> ConfigValues.size("stick-table size", ""))
        .hasMessage("'stick-table size' expects a size.");
  }

  @ParameterizedTest
  @CsvSource({"PT50S, 50s", "PT5S, 5s", "PT30M, 30m", "PT2H, 2h", "PT48H, 2d", "PT1.5S, 1500ms",
      "PT0.0015S, 1500us", "PT90S, 90s"})
  void aDurationIsWrittenInTheLargestUnitThatHoldsItExactly(Duration duration, String text) {
    assertThat(ConfigValues.format(duration)).isEqualTo(text);
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
