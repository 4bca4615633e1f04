package io.steelyard.lb.config;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A set of balancers that replicate their stick tables to each other, HAProxy's {@code peers}
 * section. Each stick table that names the section is pushed to every remote peer and takes their
 * updates.
 *
 * @param name the section's name, which stick tables refer to
 * @param local this balancer: its name and the address it listens on for the others
 * @param remotes the other balancers, in declaration order
 * @param tls TLS on every session, or {@code null} for HAProxy's plain default
 */
public record PeersConfig(String name, PeerConfig local, List<PeerConfig> remotes, @Nullable PeerTls tls) {

  /** A section without TLS. */
  public PeersConfig(String name, PeerConfig local, List<PeerConfig> remotes) {
    this(name, local, remotes, null);
  }
}
