package io.steelyard.lb.forward;

import static java.util.Objects.requireNonNull;

import io.steelyard.lb.config.FrontendConfig;
import io.steelyard.lb.config.TcpKeepAlive;
import io.steelyard.lb.config.TrafficLogging;
import io.steelyard.lb.stats.FrontendStats;
import io.steelyard.lb.stats.FrontendStatus;
import io.steelyard.lb.stats.Traffic;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A running frontend: where it listens, where its connections go, its limits and counters. A
 * reconfiguration may change its settings in place ({@link #update}); a connection takes them as
 * they are when it starts.
 */
final class Frontend {
  private final Counters counters = new Counters();
  private volatile FrontendConfig config;
  private volatile Backend backend;

  /** The frontend {@code config} describes, sending its connections to {@code backend}. */
  Frontend(FrontendConfig config, Backend backend) {
    update(config, backend);
  }

  /** Takes {@code config}'s settings and sends new connections to {@code backend}. */
  void update(FrontendConfig config, Backend backend) {
    this.config = requireNonNull(config, "config");
    this.backend = requireNonNull(backend, "backend");
  }

  String name() {
    return config.name();
  }

  List<InetSocketAddress> binds() {
    return config.binds();
  }

  /** Whether it accepts connections to foreign addresses (HAProxy's {@code bind ... transparent}). */
  boolean transparent() {
    return config.transparent();
  }

  /** TCP keep-alive on its clients' sockets, or {@code null} for none. */
  TcpKeepAlive clientKeepAlive() {
    return config.clientKeepAlive();
  }

  /** Its connection log, or {@code null} when it logs nothing. */
  TrafficLogging logging() {
    return config.logging();
  }

  /** The most concurrent connections, 0 for no limit. */
  int maxConn() {
    return config.maxConn();
  }

  long clientTimeoutMillis() {
    return config.clientTimeout().toMillis();
  }

  Backend backend() {
    return backend;
  }

  Counters counters() {
    return counters;
  }

  /** A snapshot of its counters; full while it holds its maxconn, else open. */
  FrontendStats stats() {
    Traffic traffic = counters.traffic();
    boolean full = maxConn() > 0 && traffic.current() >= maxConn();
    return new FrontendStats(
        name(), full ? FrontendStatus.FULL : FrontendStatus.OPEN, traffic);
  }
}
