package io.steelyard.lb;

import org.jspecify.annotations.Nullable;

/**
 * A {@link Balancer} that could not start, such as a bind address already in use or a port that
 * needs privileges. The message names the frontend and the address; the cause is the system's
 * error. Nothing the failed start took is left running.
 */
public final class StartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  StartException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
