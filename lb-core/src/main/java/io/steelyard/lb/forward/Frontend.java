package io.steelyard.lb.forward;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/** A running frontend: where it listens, where its connections go, its limits and counters. */
public final class Frontend {
  private final String name;
  private final List<InetSocketAddress> binds;
  private final Backend backend;
  private final int maxConn;
  private final long clientTimeoutMillis;
  private final boolean transparent;
  private final Counters counters = new Counters();

  /**
   * @param maxConn the most concurrent connections, 0 for no limit
   * @param transparent whether it accepts connections to foreign addresses (TPROXY)
   */
  public Frontend(
      String name,
      List<InetSocketAddress> binds,
      Backend backend,
      int maxConn,
      Duration clientTimeout,
      boolean transparent) {
    this.name = requireNonNull(name, "name");
    this.binds = List.copyOf(binds);
    this.backend = requireNonNull(backend, "backend");
    this.maxConn = maxConn;
    this.clientTimeoutMillis = clientTimeout.toMillis();
    this.transparent = transparent;
  }

  /** Whether it accepts connections to foreign addresses (HAProxy's {@code bind ... transparent}). */
  public boolean transparent() {
    return transparent;
  }

  public String name() {
    return name;
  }

  public List<InetSocketAddress> binds() {
    return binds;
  }

  public Backend backend() {
    return backend;
  }

  public Counters counters() {
    return counters;
  }

  int maxConn() {
    return maxConn;
  }

  long clientTimeoutMillis() {
    return clientTimeoutMillis;
  }
}
