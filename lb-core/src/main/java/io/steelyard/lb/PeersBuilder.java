package io.steelyard.lb;

import io.steelyard.lb.config.PeerConfig;
import io.steelyard.lb.config.PeersConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * A section of peers that replicate stick tables, HAProxy's {@code peers}: {@code p ->
 * p.local("lb1", "198.51.100.11:10000").peer("lb2", "198.51.100.12:10000")}. The local peer is
 * this balancer: it listens on its address, and only there, for the others, and accepts only the
 * peers named here. The protocol has no authentication, so the address should be on a network
 * that only the peers reach.
 */
public final class PeersBuilder {
  private final String section;
  private final String what;
  private PeerConfig local;
  private final List<PeerConfig> remotes = new ArrayList<>();

  PeersBuilder(String section) {
    this.section = section;
    this.what = "peers '" + section + "': ";
  }

  /** This balancer: its name in the section, and the address it listens on for its peers. */
  public PeersBuilder local(String name, String address) {
    Checks.unset(null, what + "local peer", local == null ? null : local.name());
    local = new PeerConfig(checkName(name), Addresses.server(null, what + "peer '" + name + "'", address));
    return this;
  }

  /** Another balancer of the section: its name, and the address it listens on. */
  public PeersBuilder peer(String name, String address) {
    remotes.add(
        new PeerConfig(checkName(name), Addresses.server(null, what + "peer '" + name + "'", address)));
    return this;
  }

  private String checkName(String name) {
    Checks.name(what + "peer", name);
    if (!name.chars().allMatch(c -> c > ' ' && c < 127)) {
      throw new ConfigException(what + "peer name must be printable, without spaces: '" + name + "'");
    }
    boolean taken = local != null && local.name().equals(name)
        || remotes.stream().anyMatch(peer -> peer.name().equals(name));
    if (taken) {
      throw new ConfigException(what + "peer '" + name + "' is defined twice");
    }
    return name;
  }

  PeersConfig build() {
    if (local == null) {
      throw new ConfigException(
          what + "no local peer: one peer must be this balancer (local(name, address))");
    }
    return new PeersConfig(section, local, List.copyOf(remotes));
  }
}
