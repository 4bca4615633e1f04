package io.steelyard.lb;

import static java.util.Objects.requireNonNull;

import io.steelyard.lb.config.BackendConfig;
import io.steelyard.lb.config.BalancerConfig;
import io.steelyard.lb.config.ServerConfig;
import io.steelyard.lb.forward.Forwarding;
import io.steelyard.lb.health.AdminState;
import io.steelyard.lb.schedule.Member;
import io.steelyard.lb.stats.ConnectionInfo;
import io.steelyard.lb.stick.StickTable;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Changes a running balancer, as HAProxy's runtime API does: server states and weights, servers
 * added and removed, sessions shut down, stick tables read and edited. Thread-safe while traffic
 * flows; each change applies from the next scheduling decision on, and {@link Balancer#stats()}
 * shows it.
 */
public final class Admin {
  private final Forwarding forwarding;
  private final Supplier<BalancerConfig> config;

  Admin(Forwarding forwarding, Supplier<BalancerConfig> config) {
    this.forwarding = forwarding;
    this.config = config;
  }

  /** Sets a server ready, draining or in maintenance ({@code set server B/S state ...}). */
  public void setState(String backend, String server, AdminState state) {
    forwarding.setState(backend, server, requireNonNull(state, "state"));
  }

  /** Sets a server's weight, 0 to 256 ({@code set weight B/S N}). */
  public void setWeight(String backend, String server, int weight) {
    if (weight < 0 || weight > Member.MAX_WEIGHT) {
      throw new IllegalArgumentException(
          "weight of " + backend + "/" + server + " must be 0 to " + Member.MAX_WEIGHT + ": " + weight);
    }
    forwarding.setWeight(backend, server, weight);
  }

  /** A server's current weight ({@code get weight B/S}). */
  public int weight(String backend, String server) {
    return forwarding.weight(backend, server);
  }

  /**
   * Adds a server to a running backend, in maintenance as HAProxy's {@code add server} does: set
   * it {@link AdminState#READY} to send it clients.
   *
   * @param options as for {@link BackendBuilder#server(String, String, Consumer)}
   * @throws ConfigException when the name is taken or an option is invalid
   */
  public void addServer(String backend, String name, String address, Consumer<ServerBuilder> options) {
    BackendConfig running = backendConfig(backend);
    ServerBuilder builder = new ServerBuilder(backend, name);
    options.accept(builder);
    ServerConfig server =
        builder.build(
            name,
            Addresses.server(backend, "backend '" + backend + "': server '" + name + "'", address),
            running.checkTimeout(),
            running.check());
    boolean added;
    try {
      added = forwarding.addServer(backend, server);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(backend, "backend '" + backend + "': " + e.getMessage());
    }
    if (!added) {
      throw ConfigException.duplicateServer(backend, name);
    }
  }

  /** Removes a server that is in maintenance and has no connection left ({@code del server}). */
  public void removeServer(String backend, String server) {
    forwarding.removeServer(backend, server);
  }

  /** Closes every connection of a server ({@code shutdown sessions server B/S}). */
  public void shutdownSessions(String backend, String server) {
    forwarding.shutdownSessions(backend, server);
  }

  /**
   * The client connections open now, with the address each client connected to (the original
   * destination on a transparent frontend) and its server; HAProxy's {@code show sess}.
   */
  public List<ConnectionInfo> connections() {
    return forwarding.connections();
  }

  /** The stick table of a backend, to list, clear or set entries. */
  public StickTable stickTable(String backend) {
    return forwarding.stickTable(backend);
  }

  private BackendConfig backendConfig(String name) {
    return config.get().backends().stream()
        .filter(b -> b.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no backend '" + name + "'"));
  }
}
