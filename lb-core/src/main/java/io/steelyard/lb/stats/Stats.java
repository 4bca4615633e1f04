package io.steelyard.lb.stats;

import io.steelyard.lb.forward.Backend;
import io.steelyard.lb.forward.Frontend;
import io.steelyard.lb.forward.Server;
import io.steelyard.lb.schedule.Member;
import java.time.Instant;
import java.util.List;

/**
 * A snapshot of a balancer's traffic: every frontend, backend and server with its counters and
 * status. Each figure is read once when the snapshot is taken; traffic goes on meanwhile, so the
 * figures of different servers may be a few microseconds apart.
 */
public record Stats(List<FrontendStats> frontends, List<BackendStats> backends) {

  /** Reads the counters of running frontends and backends. */
  public static Stats of(List<Frontend> frontends, List<Backend> backends) {
    return new Stats(
        frontends.stream()
            .map(f -> new FrontendStats(f.name(), "OPEN", Traffic.of(f.counters())))
            .toList(),
        backends.stream().map(Stats::backend).toList());
  }

  private static BackendStats backend(Backend backend) {
    List<ServerStats> servers = backend.servers().stream().map(Stats::server).toList();
    boolean up = backend.scheduler().hasUsableServer();
    return new BackendStats(
        backend.name(), up ? "UP" : "DOWN", Traffic.of(backend.counters()), servers);
  }

  private static ServerStats server(Server server) {
    Member member = server.member();
    return new ServerStats(
        server.name(),
        server.status().name(),
        member.weight(),
        member.backup(),
        Traffic.of(server.counters()),
        member.id(),
        server.address(),
        server.initialWeight(),
        member.maxConn(),
        server.maxQueue(),
        Instant.ofEpochMilli(server.lastChangeMillis()),
        server.checkStats());
  }

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
