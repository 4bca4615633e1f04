package io.steelyard.lb;

import io.steelyard.lb.forward.Backend;
import io.steelyard.lb.forward.ConnectionInfo;
import io.steelyard.lb.forward.Forwarder;
import io.steelyard.lb.forward.Server;
import io.steelyard.lb.health.AdminState;
import io.steelyard.lb.schedule.Member;
import io.steelyard.lb.stick.StickTable;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Changes a running balancer, as HAProxy's runtime API does: server states and weights, servers
 * added and removed, sessions shut down, stick tables read and edited. Thread-safe while traffic
 * flows; each change applies from the next scheduling decision on, and {@link Balancer#stats()}
 * shows it.
 */
public final class Admin {
  private final Map<String, Backend> backends;
  private final Map<String, BackendConfig> configs;
  private final Forwarder forwarder;

  Admin(Map<String, Backend> backends, Map<String, BackendConfig> configs, Forwarder forwarder) {
    this.backends = backends;
    this.configs = configs;
    this.forwarder = forwarder;
  }

  /** Sets a server ready, draining or in maintenance ({@code set server B/S state ...}). */
  public void setState(String backend, String server, AdminState state) {
    Backend running = backend(backend);
    running.adminState(running.server(server), state);
  }

  /** Sets a server's weight, 0 to 256 ({@code set weight B/S N}). */
  public void setWeight(String backend, String server, int weight) {
    if (weight < 0 || weight > Member.MAX_WEIGHT) {
      throw new IllegalArgumentException(
          "weight of " + backend + "/" + server + " must be 0 to " + Member.MAX_WEIGHT + ": " + weight);
    }
    Backend running = backend(backend);
    running.weight(running.server(server), weight);
  }

  /** A server's current weight ({@code get weight B/S}). */
  public int weight(String backend, String server) {
    return backend(backend).server(server).member().weight();
  }

  /**
   * Adds a server to a running backend, in maintenance as HAProxy's {@code add server} does: set
   * it {@link AdminState#READY} to send it clients.
   *
   * @param options as for {@link BackendBuilder#server(String, String, Consumer)}
   * @throws ConfigException when the name is taken or an option is invalid
   */
  public void addServer(String backend, String name, String address, Consumer<ServerBuilder> options) {
    Backend running = backend(backend);
    synchronized (running) {
      if (running.servers().stream().anyMatch(s -> s.name().equals(name))) {
        throw new ConfigException(
            backend, "backend '" + backend + "', another server named '" + name + "' was already defined");
      }
      ServerBuilder builder = new ServerBuilder(backend, name);
      options.accept(builder);
      ServerConfig config =
          builder.build(
              name,
              Addresses.server(backend, "backend '" + backend + "': server '" + name + "'", address),
              configs.get(backend).checkTimeout());
      running.add(Balancer.server(running.nextServerId(), config, false));
    }
  }

  /** Removes a server that is in maintenance and has no connection left ({@code del server}). */
  public void removeServer(String backend, String server) {
    Backend running = backend(backend);
    running.remove(running.server(server));
  }

  /** Closes every connection of a server ({@code shutdown sessions server B/S}). */
  public void shutdownSessions(String backend, String server) {
    forwarder.shutdownSessions(backend(backend).server(server));
  }

  /**
   * The client connections open now, with the address each client connected to (the original
   * destination on a transparent frontend) and its server; HAProxy's {@code show sess}.
   */
  public java.util.List<ConnectionInfo> connections() {
    return forwarder.connections();
  }

  /** The stick table of a backend, to list, clear or set entries. */
  public StickTable stickTable(String backend) {
    Backend running = backend(backend);
    if (running.stickiness() == null) {
      throw new IllegalArgumentException("backend '" + backend + "' has no stick table");
    }
    return running.stickiness().table();
  }

  private Backend backend(String name) {
    Backend backend = backends.get(name);
    if (backend == null) {
      throw new IllegalArgumentException("no backend '" + name + "'");
    }
    return backend;
  }
}
