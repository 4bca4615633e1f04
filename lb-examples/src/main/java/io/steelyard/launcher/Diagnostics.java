package io.steelyard.launcher;

import java.util.ArrayList;
import java.util.List;

/**
 * What reading a configuration found, in HAProxy's words: errors, which stop it, and notes
 * (notices and warnings), which do not and are printed before it runs.
 *
 * <p>An error reads {@code parsing [haproxy.cfg:12] : unknown keyword 'foo' in 'backend' section},
 * or {@code config : no frontend is defined} when no line is to blame. A note reads {@code
 * [NOTICE] haproxy.cfg:3 : 'daemon' does not apply to Steelyard ...; ignored} or {@code [WARNING]
 * haproxy.cfg:9 : ...}.
 */
public final class Diagnostics {
  private final List<String> errors = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  /** Diagnostics of a configuration not read yet: nothing found. */
  public Diagnostics() {}

  /** The error {@code message} found at {@code line}, as HAProxy writes it. */
  private static String format(ConfigLine line, String message) {
    return line == null ? "config : " + message : "parsing [" + line.place() + "] : " + message;
  }

  /** A failure with the one error {@code message} found at {@code line}, as HAProxy writes it. */
  public static ConfigFileException failure(ConfigLine line, String message) {
    return new ConfigFileException(List.of(format(line, message)));
  }

  /** Records the error {@code message} at {@code line}, or the whole configuration if null. */
  public void error(ConfigLine line, String message) {
    errors.add(format(line, message));
  }

  /** Records a warning at {@code line}: printed before the configuration runs. */
  public void warning(ConfigLine line, String message) {
    notes.add("[WARNING] " + line.place() + " : " + message);
  }

  /** Records a notice at {@code line}: printed before the configuration runs. */
  public void notice(ConfigLine line, String message) {
    notes.add("[NOTICE] " + line.place() + " : " + message);
  }

  /**
   * The notice for a line that is accepted so that an existing file runs, but has no effect on
   * Steelyard.
   *
   * @param keyword the keyword as the notice quotes it, such as {@code 'daemon'}
   * @param reason why it does not apply
   */
  public void ignored(ConfigLine line, String keyword, String reason) {
    notice(line, keyword + " does not apply to Steelyard (" + reason + "); ignored");
  }

  /** The notices and warnings so far, in the order they were found. */
  public List<String> notes() {
    return List.copyOf(notes);
  }

  /** Fails with every error found so far, if there is one. */
  public void failOnErrors() {
    if (!errors.isEmpty()) {
      throw new ConfigFileException(errors);
    }
  }
}
