package io.steelyard.lb.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line as HAProxy's CLI does: {@code ;} separates commands, blanks (spaces and
 * tabs) separate words, and a backslash makes the next character plain (so {@code \;} and {@code
 * \ } stay inside a word, {@code \\} is a backslash).
 */
final class CliSyntax {
  private CliSyntax() {}

  /** The commands of {@code line}, split at each {@code ;} that no backslash escapes. */
  static List<String> commands(String line) {
    List<String> commands = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == ';') {
        commands.add(line.substring(start, i));
        start = i + 1;
      }
    }
    commands.add(line.substring(start));
    return commands;
  }

  /** The words of one command, escapes resolved. */
  static List<String> words(String command) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    for (int i = 0; i < command.length(); i++) {
      char c = command.charAt(i);
      if (c == ' ' || c == '\t') {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
        continue;
      }
      word = word == null ? new StringBuilder() : word;
      if (c == '\\') {
        if (++i == command.length()) {
          break;
        }
        c = command.charAt(i);
      }
      word.append(c);
    }
    if (word != null) {
      words.add(word.toString());
    }
    return words;
  }
}
