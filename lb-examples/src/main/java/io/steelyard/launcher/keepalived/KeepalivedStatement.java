package io.steelyard.launcher.keepalived;

import io.steelyard.launcher.ConfigLine;
import io.steelyard.launcher.Diagnostics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A statement of a keepalived configuration file: a keyword with its arguments, and the block
 * that it opens, if any. Read as keepalived 2.2.7 reads a file ({@code lib/parser.c}):
 *
 * <ul>
 *   <li>words are separated by blanks; {@code "..."} is one word without the quotes;
 *   <li>{@code #} and {@code !} outside quotes start a comment; {@code \#} and {@code \!} are
 *       literal; a backslash at the end of a line continues it on the next;
 *   <li>{@code {} and {@code }} are words of their own: a block opens on the keyword's line or on
 *       a line after it, and several statements may share a line ({@code virtual_ipaddress {
 *       198.51.100.10 }}).
 * </ul>
 *
 * @param line the keyword and its arguments, where they are
 * @param block the statements of its block; {@code null} when it opens none
 */
record KeepalivedStatement(ConfigLine line, List<KeepalivedStatement> block) {

  /** The keyword. */
  String keyword() {
    return line.keyword();
  }

  /**
   * The statements of {@code text}, the content of {@code file}; mistakes of structure (a quote or
   * a block left open, a {@code }} too many) go to {@code diagnostics}.
   */
  static List<KeepalivedStatement> parse(String file, String text, Diagnostics diagnostics) {
    Node root = new Node(null);
    Deque<Node> open = new ArrayDeque<>();
    open.push(root);
    Node last = null;
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int number = i + 1;
      StringBuilder joined = new StringBuilder(lines[i]);
      while (endsWithBackslash(joined) && i + 1 < lines.length) {
        joined.setLength(joined.length() - 1);
        joined.append(' ').append(lines[++i]);
      }
      List<String> words;
      try {
        words = KeepalivedValues.words(joined.toString());
      } catch (IllegalArgumentException e) {
        diagnostics.error(new ConfigLine(file, number, List.of()), e.getMessage());
        continue;
      }
      Node statement = null;
      for (String word : words) {
        if (word.equals("{")) {
          if (last == null || last.opened) {
            diagnostics.error(new ConfigLine(file, number, List.of(word)),
                "'{' has no keyword before it to open a block for");
            last = new Node(new ConfigLine(file, number, List.of("{")));
          }
          last.opened = true;
          open.push(last);
          statement = null;
        } else if (word.equals("}")) {
          if (open.size() == 1) {
            diagnostics.error(new ConfigLine(file, number, List.of(word)),
                "extra '}': no block is open");
          } else {
            open.pop();
          }
          statement = null;
          last = null;
        } else if (statement == null) {
          statement = new Node(null);
          statement.words.add(word);
          statement.number = number;
          statement.file = file;
          open.peek().children.add(statement);
          last = statement;
        } else {
          statement.words.add(word);
        }
      }
    }
    while (open.size() > 1) {
      Node unclosed = open.pop();
      diagnostics.error(unclosed.line(), "block '" + unclosed.words.get(0)
          + "' is not closed: a '}' is missing");
    }
    return root.statements();
  }

  private static boolean endsWithBackslash(StringBuilder line) {
    return line.length() > 0 && line.charAt(line.length() - 1) == '\\';
  }

  /** A statement while its block is being read. */
  private static final class Node {
    final List<String> words = new ArrayList<>();
    final List<Node> children = new ArrayList<>();
    String file;
    int number;
    boolean opened;

    Node(ConfigLine line) {
      if (line != null) {
        words.addAll(line.words());
        file = line.file();
        number = line.number();
      }
    }

    ConfigLine line() {
      return new ConfigLine(file, number, List.copyOf(words));
    }

    List<KeepalivedStatement> statements() {
      List<KeepalivedStatement> statements = new ArrayList<>();
      for (Node child : children) {
        statements.add(new KeepalivedStatement(
            child.line(), child.opened ? child.statements() : null));
      }
      return List.copyOf(statements);
    }
  }
}
