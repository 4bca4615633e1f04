package io.steelyard.launcher.keepalived;

import io.steelyard.launcher.ConfigLine;
import io.steelyard.launcher.ConfigValues;
import io.steelyard.launcher.Diagnostics;
import io.steelyard.launcher.Words;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

/** Values as keepalived.conf writes them: words, integers, seconds, commands. */
public final class KeepalivedValues {
  private KeepalivedValues() {}

  /** Fails when {@code statement} opens a block, which its keyword does not take. */
  static void noBlock(KeepalivedStatement statement, String block) {
    if (statement.block() != null) {
      throw new IllegalArgumentException(
          "'" + statement.keyword() + "' takes no block in '" + block + "'");
    }
  }

  /**
   * The name of a named block such as {@code vrrp_script NAME { ... }}, or {@code null} after an
   * error when it has no single name or no block.
   */
  static String blockName(KeepalivedStatement statement, Diagnostics diagnostics) {
    ConfigLine header = statement.line();
    if (header.arguments() != 1) {
      diagnostics.error(header, "'" + header.keyword() + "' expects a name");
      return null;
    }
    if (statement.block() == null) {
      diagnostics.error(header, "'" + header.keyword() + " " + header.word(1)
          + "' expects a block { ... }");
      return null;
    }
    return header.word(1);
  }

  /**
   * Reads {@code script_user} or a script's {@code user}: {@code USER [GROUP]}, noted as not
   * applying since Steelyard runs scripts as the JVM's user.
   */
  static void scriptUser(ConfigLine line, Diagnostics diagnostics) {
    if (line.arguments() < 1 || line.arguments() > 2) {
      throw new IllegalArgumentException(
          "'" + line.keyword() + "' expects a user and an optional group");
    }
    diagnostics.ignored(line, "'" + line.keyword() + "'", "scripts run as the user of the JVM");
  }

  /**
   * The first argument of {@code line} as an integer from {@code min} to {@code max}.
   *
   * @throws IllegalArgumentException naming the keyword and the value
   */
  static int range(ConfigLine line, int min, int max) {
    return range(line.keyword(), line.word(1), min, max);
  }

  /**
   * {@code text} as an integer from {@code min} to {@code max} for {@code keyword}.
   *
   * @throws IllegalArgumentException naming the keyword and the value
   */
  static int range(String keyword, String text, int min, int max) {
    int value = ConfigValues.integer(keyword, text);
    if (value < min || value > max) {
      throw new IllegalArgumentException("'" + keyword + "' must be " + min + " to "
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
   * Splits one line into words as keepalived does ({@link KeepalivedStatement}), dropping its
   * comment.
   *
   * @throws IllegalArgumentException for an unterminated quote
   */
  public static List<String> words(String text) {
    Words words = new Words();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"') {
          quoted = false;
        } else {
          words.append(c);
        }
      } else if (c == '"') {
        words.start();
        quoted = true;
      } else if (c == '\\' && i + 1 < text.length()
          && (text.charAt(i + 1) == '#' || text.charAt(i + 1) == '!')) {
        words.append(text.charAt(++i));
      } else if (c == '#' || c == '!') {
        break;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        words.end();
      } else {
        words.append(c);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("unterminated quote in '" + text.strip() + "'");
    }
    return words.done();
  }

  /**
   * The command of a {@code script} or {@code notify*} line: its one argument split as {@link
   * #command(String)} splits it, or its several arguments as they are.
   *
   * @param expects what the keyword takes, for the message when it has none, such as {@code a
   *     command}
   * @throws IllegalArgumentException when there is no command, or an unterminated quote
   */
  static List<String> command(ConfigLine line, String expects) {
    List<String> command = line.arguments() == 1
        ? command(line.word(1))
        : line.words().subList(1, line.words().size());
    if (command.isEmpty()) {
      throw new IllegalArgumentException("'" + line.keyword() + "' expects " + expects);
    }
    return List.copyOf(command);
  }

  /**
   * A script's command line split into words at blanks, keepalived's way for a quoted script:
   * single or double quotes keep blanks inside a word, a backslash keeps the next character.
   *
   * @throws IllegalArgumentException for an unterminated quote
   */
  static List<String> command(String text) {
    Words words = new Words();
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          words.append(c);
        }
      } else if (c == '\'' || c == '"') {
        words.start();
        quote = c;
      } else if (c == '\\' && i + 1 < text.length()) {
        words.append(text.charAt(++i));
      } else if (c == ' ' || c == '\t') {
        words.end();
      } else {
        words.append(c);
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException("unterminated quote " + quote + " in '" + text + "'");
    }
    return words.done();
  }
}
