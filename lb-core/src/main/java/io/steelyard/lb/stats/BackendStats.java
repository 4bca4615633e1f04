package io.steelyard.lb.stats;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A backend at one moment.
 *
 * @param servers in declaration order
 * @param lastChange when it last went up or down, or when it was created
 * @param downtime how long none of its servers took clients, since it was created
 */
public record BackendStats(String name, BackendStatus status, Traffic traffic, List<ServerStats> servers,
    Instant lastChange, Duration downtime) {

  /** The server called {@code name}, or an exception naming it. */
  public ServerStats server(String name) {
    return servers.stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(
            "backend '" + this.name + "' has no server '" + name + "'"));
  }
}
