package io.steelyard.lb.stats;

import java.util.List;

/**
 * A backend at one moment.
 *
 * @param servers in declaration order
 */
public record BackendStats(String name, BackendStatus status, Traffic traffic, List<ServerStats> servers) {

  /** The server called {@code name}, or an exception naming it. */
  public ServerStats server(String name) {
    return servers.stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(
            "backend '" + this.name + "' has no server '" + name + "'"));
  }
}
