package io.steelyard.lb;

import io.steelyard.lb.schedule.Member;
import java.net.InetSocketAddress;

/**
 * The options of one server: {@code s -> s.weight(3).maxConn(100).backup()}.
 *
 * <p>Defaults as in HAProxy: weight 1, no maxconn, active (not backup).
 */
public final class ServerBuilder {
  private final String backend;
  private final String what;
  private Integer weight;
  private Integer maxConn;
  private boolean backup;

  ServerBuilder(String backend, String server) {
    this.backend = backend;
    this.what = "backend '" + backend + "': server '" + server + "': ";
  }

  /** Its share of connections relative to the other servers, 0 to 256; 0 takes none. */
  public ServerBuilder weight(int weight) {
    Checks.unset(backend, what + "weight", this.weight);
    this.weight = Checks.range(backend, what + "weight", weight, 0, Member.MAX_WEIGHT);
    return this;
  }

  /** The most concurrent connections it receives; 0 means no limit. */
  public ServerBuilder maxConn(int maxConn) {
    Checks.unset(backend, what + "maxconn", this.maxConn);
    this.maxConn = Checks.range(backend, what + "maxconn", maxConn, 0, Integer.MAX_VALUE);
    return this;
  }

  /** Takes connections only when no active server of the backend is usable. */
  public ServerBuilder backup() {
    this.backup = true;
    return this;
  }

  ServerConfig build(String name, InetSocketAddress address) {
    return new ServerConfig(
        name, address, weight == null ? 1 : weight, maxConn == null ? 0 : maxConn, backup);
  }
}
