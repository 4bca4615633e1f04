package io.steelyard.launcher;

import java.util.List;

/**
 * A configuration file that Steelyard cannot run. Each error names the file, the line and the
 * keyword as HAProxy does ({@code parsing [haproxy.cfg:12] : unknown keyword 'foo' in 'backend'
 * section}); mistakes the balancer's builder finds carry its own message after the line that gave
 * the value. The message is the errors, one a line.
 */
public final class ConfigFileException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<String> errors;

  ConfigFileException(List<String> errors) {
    super(String.join("\n", errors));
    this.errors = List.copyOf(errors);
  }

  /** The errors, in the order they were found. */
  public List<String> errors() {
    return errors;
  }
}
