package io.steelyard.lb.forward;

import io.steelyard.lb.stick.StickServers;

/**
 * A backend's servers as its stick table's ids name them, for peers: by name and by HAProxy id.
 * Reads the backend's current servers, so that servers added or removed at run time count.
 */
final class BackendStickServers implements StickServers {
  private final Backend backend;

  BackendStickServers(Backend backend) {
    this.backend = backend;
  }

  @Override
  public String name(int serverId) {
    Server server = backend.serverById(serverId);
    return server == null ? null : server.name();
  }

  @Override
  public int haproxyId(int serverId) {
    Server server = backend.serverById(serverId);
    return server == null ? -1 : server.sid();
  }

  @Override
  public int serverId(String name, int haproxyId) {
    Server byId = null;
    for (Server server : backend.servers()) {
      if (server.name().equals(name)) {
        return server.member().id();
      }
      if (server.sid() == haproxyId) {
        byId = server;
      }
    }
    return byId == null ? -1 : byId.member().id();
  }
}
