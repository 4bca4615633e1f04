package io.steelyard.lb;

import org.jspecify.annotations.Nullable;

/**
 * A configuration that cannot run, found while it is built: the message names the thing and the
 * offending value, such as {@code backend 'bk': server 's1': weight must be 0 to 256: 300}.
 *
 * <p>{@link #proxy()} names the frontend or backend the mistake belongs to, when there is one, so
 * that tools reading configuration files can point at the right place.
 */
public final class ConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final @Nullable String proxy;

  ConfigException(String message) {
    this(null, message);
  }

  ConfigException(@Nullable String proxy, String message) {
    super(message);
    this.proxy = proxy;
  }

  /** A server name used twice in one backend, at build time or when a server is added later. */
  static ConfigException duplicateServer(String backend, String server) {
    return new ConfigException(
        backend, "backend '" + backend + "', another server named '" + server + "' was already defined");
  }

  /** The frontend or backend the mistake belongs to, or {@code null}. */
  public @Nullable String proxy() {
    return proxy;
  }
}
