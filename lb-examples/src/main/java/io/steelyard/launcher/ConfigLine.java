package io.steelyard.launcher;

import java.util.List;

/**
 * One line of a configuration file, split into words the way HAProxy splits them: blanks separate
 * words; {@code #} outside quotes starts a comment; {@code '...'} quotes literally; {@code "..."}
 * quotes with backslash escapes; a backslash outside single quotes escapes the next character
 * ({@code \ }, {@code \#}, {@code \\}, {@code \"}, {@code \'}; {@code \t}, {@code \n}, {@code \r}
 * for those controls). Quoted parts join the word they touch: {@code a"b c"d} is {@code ab cd}.
 *
 * <p>HAProxy also expands {@code "$VAR"} environment variables inside double quotes; Steelyard
 * does not, so a {@code $} there is an error rather than a silent difference ({@code '$'} is
 * literal).
 *
 * @param file the file name as given on the command line, for messages
 * @param number the line number, from 1
 * @param words the words, the keyword first; empty for a blank or comment line
 */
public record ConfigLine(String file, int number, List<String> words) {

  /**
   * Splits {@code text}, line {@code number} of {@code file}.
   *
   * @throws IllegalArgumentException for an unmatched quote or a {@code $} in double quotes
   */
  public static ConfigLine parse(String file, int number, String text) {
    Words words = new Words();
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote == '\'') {
        if (c == '\'') {
          quote = 0;
        } else {
          words.append(c);
        }
      } else if (c == '\\' && i + 1 < text.length()) {
        words.append(escaped(text.charAt(++i)));
      } else if (quote == '"') {
        if (c == '"') {
          quote = 0;
        } else if (c == '$') {
          throw new IllegalArgumentException(
              "environment variables in double quotes are not supported by Steelyard (position "
                  + (i + 1) + "); write a literal '$' in single quotes");
        } else {
          words.append(c);
        }
      } else if (c == '#') {
        break;
      } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        words.end();
      } else if (c == '"' || c == '\'') {
        words.start();
        quote = c;
      } else {
        words.append(c);
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException("unmatched quote " + quote + " in '" + text.strip() + "'");
    }
    return new ConfigLine(file, number, List.copyOf(words.done()));
  }

  private static char escaped(char c) {
    switch (c) {
      case 't':
        return '\t';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      default:
        return c;
    }
  }

  /** Whether the line has no words: blank or a comment. */
  public boolean isEmpty() {
    return words.isEmpty();
  }

  /** The first word. */
  public String keyword() {
    return words.get(0);
  }

  /** Word {@code i}, the keyword being 0. */
  public String word(int i) {
    return words.get(i);
  }

  /** The number of words after the keyword. */
  public int arguments() {
    return words.size() - 1;
  }

  /** {@code file:number}, as messages write a place. */
  public String place() {
    return file + ":" + number;
  }

  /**
   * Checks that exactly {@code count} words follow the first {@code skip} words ({@code skip} is
   * 1 for a plain keyword, 2 for {@code timeout connect}), in HAProxy's words.
   *
   * @param expects what the keyword takes, as in {@code 'maxconn' expects an integer argument}
   * @throws IllegalArgumentException when there are fewer or more words
   */
  public void expect(int skip, int count, String expects) {
    String keyword = String.join(" ", words.subList(0, Math.min(skip, words.size())));
    if (words.size() < skip + count) {
      throw new IllegalArgumentException("'" + keyword + "' expects " + expects + ".");
    }
    if (words.size() > skip + count) {
      throw new IllegalArgumentException(
          "'" + keyword + "' cannot handle unexpected argument '" + words.get(skip + count) + "'.");
    }
  }
}
