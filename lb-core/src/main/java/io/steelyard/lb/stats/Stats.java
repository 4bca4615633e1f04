package io.steelyard.lb.stats;

import java.util.List;

/**
 * A snapshot of a balancer's traffic: every frontend, backend and server with its counters and
 * status. Each figure is read once when the snapshot is taken; traffic goes on meanwhile, so the
 * figures of different servers may be a few microseconds apart.
 */
public record Stats(List<FrontendStats> frontends, List<BackendStats> backends) {

  /** The frontend called {@code name}, or an exception naming it. */
  public FrontendStats frontend(String name) {
    return frontends.stream()
        .filter(f -> f.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no frontend '" + name + "'"));
  }

  /** The backend called {@code name}, or an exception naming it. */
  public BackendStats backend(String name) {
    return backends.stream()
        .filter(b -> b.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no backend '" + name + "'"));
  }
}
