package io.steelyard.lb;

import io.steelyard.lb.config.StickConfig;
import java.time.Duration;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A backend's stick table of client addresses, HAProxy's {@code stick-table type ip size N expire
 * T}: {@code t -> t.size(200_000).expire(ofMinutes(30))}. Defaults: 100,000 entries, 30 minutes.
 */
public final class StickTableBuilder {
  static final int DEFAULT_SIZE = 100_000;
  static final Duration DEFAULT_EXPIRE = Duration.ofMinutes(30);
  static final int MAX_SIZE = 100_000_000;

  private final String backend;
  private final String what;
  private @Nullable Integer size;
  private @Nullable Duration expire;
  private @Nullable String peers;

  StickTableBuilder(String backend) {
    this.backend = backend;
    this.what = "backend '" + backend + "': stick-table ";
  }

  /** The most entries; when full, the least recently used entry without connections goes. */
  public StickTableBuilder size(int size) {
    Checks.unset(backend, what + "size", this.size);
    this.size = Checks.range(backend, what + "size", size, 1, MAX_SIZE);
    return this;
  }

  /** How long an entry lives after it was last matched or stored. */
  public StickTableBuilder expire(Duration expire) {
    Checks.unset(backend, what + "expire", this.expire);
    this.expire = Checks.timeout(backend, what + "expire", expire);
    return this;
  }

  /**
   * Replicates the table with the section of peers called {@code section} ({@link
   * BalancerBuilder#peers}): its entries are pushed to them and theirs are taken, as HAProxy's
   * {@code peers} option of {@code stick-table}. The peers match servers by name, then by id.
   */
  public StickTableBuilder peers(String section) {
    Checks.unset(backend, what + "peers", this.peers);
    this.peers = Checks.name(what + "peers", section);
    return this;
  }

  StickConfig build(boolean match, boolean store, Set<String> sections) {
    if (peers != null && !sections.contains(peers)) {
      throw new ConfigException(
          backend, what + "peers: no peers section named '" + peers + "' (defined: " + sections + ")");
    }
    return new StickConfig(
        size == null ? DEFAULT_SIZE : size,
        expire == null ? DEFAULT_EXPIRE : expire,
        match,
        store,
        peers);
  }
}
