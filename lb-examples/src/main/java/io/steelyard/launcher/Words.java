package io.steelyard.launcher;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the words of a line as a splitter finds them: characters join the current word, a
 * blank ends it. An empty quoted word ({@code ""}) is a word: {@link #start()} makes one. The
 * splitters of HAProxy's lines ({@link ConfigLine}), keepalived's lines and keepalived's script
 * commands use it.
 */
public final class Words {
  private final List<String> words = new ArrayList<>();
  private StringBuilder word;

  /** A collector without words yet. */
  public Words() {}

  /** Starts a word if none is open, as an opening quote does. */
  public void start() {
    if (word == null) {
      word = new StringBuilder();
    }
  }

  /** Adds {@code c} to the current word, starting one if needed. */
  public void append(char c) {
    start();
    word.append(c);
  }

  /** Ends the current word, if one is open. */
  public void end() {
    if (word != null) {
      words.add(word.toString());
      word = null;
    }
  }

  /** Every word, the last one ended. */
  public List<String> done() {
    end();
    return words;
  }
}
