package io.steelyard.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigLineTest {

  private static List<String> words(String text) {
    return ConfigLine.parse("haproxy.cfg", 1, text).words();
  }

  @Test
  void blanksSeparateWordsAndIndentationDoesNotCount() {
    assertThat(words("    server  s1\t127.0.0.1:80   weight 3  "))
        .containsExactly("server", "s1", "127.0.0.1:80", "weight", "3");
  }

  @Test
  void blankAndCommentLinesHaveNoWords() {
    assertThat(ConfigLine.parse("haproxy.cfg", 1, "").isEmpty()).isTrue();
    assertThat(ConfigLine.parse("haproxy.cfg", 1, "   \t ").isEmpty()).isTrue();
    assertThat(ConfigLine.parse("haproxy.cfg", 1, "  # a comment").isEmpty()).isTrue();
  }

  @Test
  void aHashOutsideQuotesEndsTheLineEvenInsideAWord() {
    assertThat(words("maxconn 100 # the limit")).containsExactly("maxconn", "100");
    assertThat(words("bind :80#http")).containsExactly("bind", ":80");
  }

  @Test
  void quotesGroupBlanksAndHashes() {
    assertThat(words("server \"my server\" 'a # b'")).containsExactly("server", "my server", "a # b");
  }

  @Test
  void quotedPartsJoinTheWordTheyTouch() {
    assertThat(words("a\"b c\"d 'e'f")).containsExactly("ab cd", "ef");
  }

  @Test
  void anEmptyQuotedStringIsAWord() {
    assertThat(words("default_backend \"\"")).containsExactly("default_backend", "");
  }

  @Test
  void backslashEscapesTheNextCharacterOutsideSingleQuotes() {
    assertThat(words("a\\ b c\\#d \"e\\\"f\" \\\\")).containsExactly("a b", "c#d", "e\"f", "\\");
    assertThat(words("'a\\ b'")).containsExactly("a\\ b");
    assertThat(words("\"\\t\\n\\r\"")).containsExactly("\t\n\r");
  }

  @Test
  void singleQuotesAreLiteralEvenForDollars() {
    assertThat(words("log '$HOST' local0")).containsExactly("log", "$HOST", "local0");
    assertThat(words("bind $HOST:80")).containsExactly("bind", "$HOST:80");
  }

  @Test
  void environmentVariablesInDoubleQuotesAreRefusedRatherThanLeftUnexpanded() {
    assertThatThrownBy(() -> words("bind \"$ADDR\":80"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("environment variables in double quotes are not supported");
  }

  @Test
  void anUnmatchedQuoteIsAnError() {
    assertThatThrownBy(() -> words("server s1 \"127.0.0.1:80"))
        .hasMessage("unmatched quote \" in 'server s1 \"127.0.0.1:80'");
    assertThatThrownBy(() -> words("server 's1 127.0.0.1:80"))
        .hasMessageStartingWith("unmatched quote '");
  }

  @Test
  void expectCountsTheWordsAfterTheKeywordInHaproxysWords() {
    ConfigLine missing = ConfigLine.parse("haproxy.cfg", 3, "maxconn");
    assertThatThrownBy(() -> missing.expect(1, 1, "an integer argument"))
        .hasMessage("'maxconn' expects an integer argument.");
    ConfigLine extra = ConfigLine.parse("haproxy.cfg", 3, "timeout client 5s 6s");
    assertThatThrownBy(() -> extra.expect(2, 1, "a time"))
        .hasMessage("'timeout client' cannot handle unexpected argument '6s'.");
    ConfigLine right = ConfigLine.parse("haproxy.cfg", 3, "timeout client 5s");
    right.expect(2, 1, "a time");
    assertThat(right.place()).isEqualTo("haproxy.cfg:3");
  }
}
