package io.steelyard.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the text of a configuration file, HAProxy's or keepalived's, within bounds that no real
 * file comes near: lines of at most {@value #MAX_LINE} bytes (64 KiB, the line feed not counted)
 * and files of at most {@value #MAX_FILE} bytes (64 MiB; HAProxy 3.1 takes 10 MB from a pipe). A
 * NUL byte is an error, as in HAProxy 2.6 ({@code readcfgfile()} in {@code src/cfgparse.c}). The
 * first of these mistakes stops reading at once, so that {@code -f /dev/zero} fails on its first
 * byte instead of filling the memory; it is the file's only error, since no line of it is read.
 * Bytes are decoded as UTF-8, a malformed sequence becoming U+FFFD.
 */
public final class ConfigFile {
  /** The longest line, in bytes, without its line feed. */
  static final int MAX_LINE = 64 * 1024;
  /** The largest file, in bytes. */
  static final int MAX_FILE = 64 * 1024 * 1024;

  private ConfigFile() {}

  /**
   * The text of {@code file}.
   *
   * @throws IOException when it cannot be opened or read
   * @throws ConfigFileException at the first NUL byte, line longer than {@link #MAX_LINE} or byte
   *     beyond {@link #MAX_FILE}, in HAProxy's words
   */
  static String read(Path file) throws IOException {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    int line = 1;
    int column = 0;
    try (InputStream in = Files.newInputStream(file)) {
      for (int read = in.read(chunk); read >= 0; read = in.read(chunk)) {
        for (int i = 0; i < read; i++) {
          if (chunk[i] == '\n') {
            line++;
            column = 0;
          } else if (chunk[i] == 0) {
            throw error("parsing [" + file + ":" + line + "]: Stray NUL character at position "
                + (column + 1) + ".");
          } else if (++column > MAX_LINE) {
            throw error("parsing [" + file + ":" + line + "]: line too long, limited to "
                + MAX_LINE + " bytes.");
          }
        }
        if (text.size() + read > MAX_FILE) {
          throw error("Loading " + file + ": input is too large, limited to "
              + MAX_FILE / (1024 * 1024) + "MB.");
        }
        text.write(chunk, 0, read);
      }
    }
    return text.toString(StandardCharsets.UTF_8);
  }

  /**
   * The text of {@code file}, as {@link #read} reads it, for a reader of the file's grammar.
   *
   * @throws ConfigFileException when it cannot be opened or read, in HAProxy's words, or is out of
   *     bounds
   */
  public static String open(Path file) {
    try {
      return read(file);
    } catch (IOException e) {
      throw error("config : cannot open configuration file '" + file + "' : " + reason(e));
    }
  }

  private static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage();
  }

  private static ConfigFileException error(String message) {
    return new ConfigFileException(List.of(message));
  }
}
