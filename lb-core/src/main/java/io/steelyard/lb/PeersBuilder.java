package io.steelyard.lb;

import io.steelyard.lb.config.PeerConfig;
import io.steelyard.lb.config.PeerTls;
import io.steelyard.lb.config.PeersConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

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
  private @Nullable PeerConfig local;
  private final List<PeerConfig> remotes = new ArrayList<>();
  private @Nullable PeerTls tls;

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

  /**
   * TLS on every session, authenticated both ways: this balancer presents the certificate chain
   * of {@code certificateAndKey} (a PEM file with the chain and its unencrypted PKCS#8 key, as
   * HAProxy's {@code crt}) and accepts only peers whose certificate {@code trustedCa} (a PEM file)
   * signed; see {@link PeerTls}. Both files must be readable now.
   */
  public PeersBuilder tls(Path certificateAndKey, Path trustedCa) {
    Checks.unset(null, what + "tls", tls);
    tls = new PeerTls(readable("certificate", certificateAndKey), readable("CA file", trustedCa));
    return this;
  }

  private Path readable(String kind, Path file) {
    if (file == null || !Files.isReadable(file)) {
      throw new ConfigException(what + "tls: cannot read the " + kind + " '" + file + "'");
    }
    return file;
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
    return new PeersConfig(section, local, List.copyOf(remotes), tls);
  }
}
