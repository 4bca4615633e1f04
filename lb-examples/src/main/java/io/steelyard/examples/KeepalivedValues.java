package io.steelyard.examples;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Values as keepalived.conf writes them: integers, seconds, commands. */
final class KeepalivedValues {
  private KeepalivedValues() {}

  /** Fails when {@code statement} opens a block, which its keyword does not take. */
  static void noBlock(KeepalivedStatement statement, String block) {
    if (statement.block() != null) {
      throw new IllegalArgumentException(
          "'" + statement.keyword() + "' takes no block in '" + block + "'");
    }
  }

  /**
   * The first argument of {@code line} as an integer from {@code min} to {@code max}.
   *
   * @throws IllegalArgumentException naming the keyword and the value
   */
  static int range(ConfigLine line, int min, int max) {
    int value = ConfigValues.integer(line.keyword(), line.word(1));
    if (value < min || value > max) {
      throw new IllegalArgumentException("'" + line.keyword() + "' must be " + min + " to "
          + (max == Integer.MAX_VALUE ? "2147483647" : max) + " (got " + value + ")");
    }
    return value;
  }

  /**
   * The first argument of {@code line} as seconds with up to six decimals, as keepalived reads
   * {@code advert_int} and {@code preempt_delay}: {@code 1}, {@code 0.1}.
   */
  static Duration seconds(ConfigLine line) {
    line.expect(1, 1, "a number of seconds");
    String text = line.word(1);
    if (!text.matches("[0-9]{1,9}(\\.[0-9]{1,6})?")) {
      throw new IllegalArgumentException("'" + line.keyword()
          + "' expects a number of seconds such as 1 or 0.5 (got '" + text + "')");
    }
    return Duration.ofNanos(new BigDecimal(text).movePointRight(9).longValueExact());
  }

  /**
   * A script's command line split into words at blanks, keepalived's way for a quoted script:
   * single or double quotes keep blanks inside a word, a backslash keeps the next character.
   *
   * @throws IllegalArgumentException for an unterminated quote
   */
  static List<String> command(String text) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        word = word == null ? new StringBuilder() : word;
        quote = c;
      } else if (c == '\\' && i + 1 < text.length()) {
        word = word == null ? new StringBuilder() : word;
        word.append(text.charAt(++i));
      } else if (c == ' ' || c == '\t') {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
      } else {
        word = word == null ? new StringBuilder() : word;
        word.append(c);
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException("unterminated quote " + quote + " in '" + text + "'");
    }
    if (word != null) {
      words.add(word.toString());
    }
    return words;
  }
}
