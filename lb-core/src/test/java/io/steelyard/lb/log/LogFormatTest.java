package io.steelyard.lb.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** HAProxy's log-format language as Steelyard reads it, and what it refuses, by name. */
class LogFormatTest {

  @Test
  void tcplogIsTextAndVariablesInHaproxysOrder() {
    assertThat(LogFormat.TCPLOG.parts()).extracting(part -> part.variable() == null
            ? part.text() : "%" + part.variable().haproxyName())
        .containsExactly("%ci", ":", "%cp", " [", "%t", "] ", "%ft", " ", "%b", "/", "%s", " ",
            "%Tw", "/", "%Tc", "/", "%Tt", " ", "%B", " ", "%ts", " ", "%ac", "/", "%fc", "/", "%bc",
            "/", "%sc", "/", "%rc", " ", "%sq", "/", "%bq");
    assertThat(LogFormat.TCPLOG.uses(LogVariable.CLIENT_IP)).isTrue();
    assertThat(LogFormat.TCPLOG.uses(LogVariable.SERVER_IP)).isFalse();
  }

  @Test
  void aDoublePercentIsOnePercentAndQuotesApplyToText() {
    LogFormat format = LogFormat.parse("%{+Q}s 100%% %{-Q}b%B");
    assertThat(format.parts()).containsExactly(
        new LogFormat.Part(null, LogVariable.SERVER, true),
        new LogFormat.Part(" 100% ", null, false),
        new LogFormat.Part(null, LogVariable.BACKEND, false),
        new LogFormat.Part(null, LogVariable.BYTES_SENT, false));
    assertThat(format).isEqualTo(LogFormat.parse("%{+Q}s 100%% %{-Q}b%B"));
    assertThat(format.toString()).isEqualTo("%{+Q}s 100%% %{-Q}b%B");
  }

  @Test
  void whatItDoesNotTakeIsNamed() {
    assertThatThrownBy(() -> LogFormat.parse("%ci %ST"))
        .hasMessageContaining("no such format variable '%ST' in TCP mode")
        .hasMessageContaining("%ci %cp %fi");
    assertThatThrownBy(() -> LogFormat.parse("%[src]"))
        .hasMessageContaining("sample expressions such as '%[src]' are not supported");
    assertThatThrownBy(() -> LogFormat.parse("50% off"))
        .hasMessageContaining("no variable name after '%' at position 2 (write '%%'");
    assertThatThrownBy(() -> LogFormat.parse("%{+Q}Tt"))
        .hasMessageContaining("'%{+Q}Tt' quotes a number");
    assertThatThrownBy(() -> LogFormat.parse("%{+X}Tt"))
        .hasMessageContaining("option '%{+X}' is not supported by Steelyard");
    assertThatThrownBy(() -> LogFormat.parse("%{+Q"))
        .hasMessageContaining("missing '}'");
  }
}
