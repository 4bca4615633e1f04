package io.steelyard.lb;

import static java.util.Objects.requireNonNull;

import io.steelyard.lb.config.ServerConfig;
import io.steelyard.lb.health.AgentCheck;
import io.steelyard.lb.health.Check;
import io.steelyard.lb.health.CheckSettings;
import io.steelyard.lb.health.CheckTls;
import io.steelyard.lb.health.OnError;
import io.steelyard.lb.schedule.Member;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The options of one server: {@code s -> s.weight(3).maxConn(100).check().fall(2)}.
 *
 * <p>Defaults as in HAProxy: weight 1, no maxconn, no maxqueue, active (not backup), not checked.
 * With {@link #check()}: a TCP check every 2 s, up after 2 passed checks, down after 3 failed
 * ones (or at the first failure after start); {@code fastinter} and {@code downinter} default to
 * {@code inter}.
 */
public final class ServerBuilder {
  private final String backend;
  private final String what;
  private @Nullable Integer weight;
  private @Nullable Integer maxConn;
  private @Nullable Integer maxQueue;
  private boolean backup;
  private boolean check;
  private @Nullable Check protocol;
  private @Nullable CheckTls tls;
  private @Nullable AgentCheck agent;
  private @Nullable Integer id;
  private @Nullable Integer checkPort;
  private boolean checkSendProxy;
  private @Nullable InetAddress checkAddress;
  private @Nullable Duration inter;
  private @Nullable Duration fastInter;
  private @Nullable Duration downInter;
  private @Nullable Integer rise;
  private @Nullable Integer fall;
  private boolean observeLayer4;
  private @Nullable Integer errorLimit;
  private @Nullable OnError onError;
  private boolean shutdownSessionsOnDown;

  ServerBuilder(String backend, String server) {
    this.backend = backend;
    this.what = "backend '" + backend + "': server '" + server + "': ";
  }

  /**
   * Its number in the backend, 1 and up, unique there: HAProxy's {@code id}, which the stats call
   * {@code sid} and stick tables and peers {@code server_id}. Servers without one take the
   * smallest numbers free, in the order they are declared.
   */
  public ServerBuilder id(int id) {
    Checks.unset(backend, what + "id", this.id);
    this.id = Checks.range(backend, what + "id", id, 1, Integer.MAX_VALUE);
    return this;
  }

  /** Its share of connections relative to the other servers, 0 to 256; 0 takes none. */
  public ServerBuilder weight(int weight) {
    Checks.unset(backend, what + "weight", this.weight);
    this.weight = Checks.range(backend, what + "weight", weight, 0, Member.MAX_WEIGHT);
    return this;
  }

  /** The most concurrent connections it receives, further ones wait in a queue; 0: no limit. */
  public ServerBuilder maxConn(int maxConn) {
    Checks.unset(backend, what + "maxconn", this.maxConn);
    this.maxConn = Checks.range(backend, what + "maxconn", maxConn, 0, Integer.MAX_VALUE);
    return this;
  }

  /**
   * The most clients waiting for this server (clients stuck to it while it is full); beyond
   * that a client is balanced to another server. 0 means no limit.
   */
  public ServerBuilder maxQueue(int maxQueue) {
    Checks.unset(backend, what + "maxqueue", this.maxQueue);
    this.maxQueue = Checks.range(backend, what + "maxqueue", maxQueue, 0, Integer.MAX_VALUE);
    return this;
  }

  /** Takes connections only when no active server of the backend is usable. */
  public ServerBuilder backup() {
    this.backup = true;
    return this;
  }

  /** Checks the server with TCP connections; it takes no client while it is down. */
  public ServerBuilder check() {
    this.check = true;
    return this;
  }

  /**
   * Checks the server with {@code check}'s steps, such as {@link Check#redis()}, rather than the
   * backend's; it takes no client while it is down.
   */
  public ServerBuilder check(Check check) {
    Checks.unset(backend, what + "check", protocol);
    this.protocol = requireNonNull(check, "check");
    this.check = true;
    return this;
  }

  /**
   * Makes the check's connections over TLS with {@code tls} (HAProxy's {@code check-ssl} with
   * {@code verify} and {@code ca-file}, and {@code check-sni}). Like {@link #inter} and the other
   * check settings, it has no effect on a server without checks.
   */
  public ServerBuilder checkTls(CheckTls tls) {
    Checks.unset(backend, what + "check-ssl", this.tls);
    this.tls = requireNonNull(tls, "tls");
    return this;
  }

  /**
   * Asks an agent beside the server how it is, as {@code agent} says ({@code agent-check}); see
   * {@link Check#agent(int)}. It needs no {@link #check()}.
   */
  public ServerBuilder agentCheck(AgentCheck agent) {
    Checks.unset(backend, what + "agent-check", this.agent);
    this.agent = requireNonNull(agent, "agent");
    return this;
  }

  /**
   * Starts each check connection with a PROXY protocol line, for servers that expect one
   * (HAProxy's {@code check-send-proxy}).
   */
  public ServerBuilder checkSendProxy() {
    this.checkSendProxy = true;
    return this;
  }

  /** The port checks connect to, 1 to 65535, rather than the server's (HAProxy's {@code port}). */
  public ServerBuilder checkPort(int port) {
    Checks.unset(backend, what + "port", checkPort);
    this.checkPort = Checks.range(backend, what + "port", port, 1, 65_535);
    return this;
  }

  /** The address checks connect to, rather than the server's (HAProxy's {@code addr}). */
  public ServerBuilder checkAddress(InetAddress address) {
    Checks.unset(backend, what + "addr", checkAddress);
    this.checkAddress = requireNonNull(address, "address");
    return this;
  }

  /** The time between checks while the server is steady; 2 s by default. */
  public ServerBuilder inter(Duration inter) {
    Checks.unset(backend, what + "inter", this.inter);
    this.inter = Checks.timeout(backend, what + "inter", inter);
    return this;
  }

  /** The time between checks while the server changes state; {@code inter} by default. */
  public ServerBuilder fastInter(Duration fastInter) {
    Checks.unset(backend, what + "fastinter", this.fastInter);
    this.fastInter = Checks.timeout(backend, what + "fastinter", fastInter);
    return this;
  }

  /** The time between checks while the server is fully down; {@code inter} by default. */
  public ServerBuilder downInter(Duration downInter) {
    Checks.unset(backend, what + "downinter", this.downInter);
    this.downInter = Checks.timeout(backend, what + "downinter", downInter);
    return this;
  }

  /** How many passed checks in a row bring it up, 1 to 1000; 2 by default. */
  public ServerBuilder rise(int rise) {
    Checks.unset(backend, what + "rise", this.rise);
    this.rise = Checks.range(backend, what + "rise", rise, 1, 1000);
    return this;
  }

  /** How many failed checks in a row take it down, 1 to 1000; 3 by default. */
  public ServerBuilder fall(int fall) {
    Checks.unset(backend, what + "fall", this.fall);
    this.fall = Checks.range(backend, what + "fall", fall, 1, 1000);
    return this;
  }

  /** Counts failed live connections too (HAProxy's {@code observe layer4}); needs checks. */
  public ServerBuilder observeLayer4() {
    this.observeLayer4 = true;
    return this;
  }

  /** How many failed live connections in a row trigger {@link #onError}, 1 to 1000; 10. */
  public ServerBuilder errorLimit(int errorLimit) {
    Checks.unset(backend, what + "error-limit", this.errorLimit);
    this.errorLimit = Checks.range(backend, what + "error-limit", errorLimit, 1, 1000);
    return this;
  }

  /** What {@code error-limit} failed live connections do; {@link OnError#FASTINTER} by default. */
  public ServerBuilder onError(OnError onError) {
    Checks.unset(backend, what + "on-error", this.onError);
    this.onError = requireNonNull(onError, "onError");
    return this;
  }

  /** Closes the server's connections when it goes down ({@code on-marked-down shutdown-sessions}). */
  public ServerBuilder onMarkedDownShutdownSessions() {
    this.shutdownSessionsOnDown = true;
    return this;
  }

  /** @param backendCheck what the backend's checks do, for a server without its own */
  ServerConfig build(
      String name, InetSocketAddress address, @Nullable Duration checkTimeout, Check backendCheck) {
    if (!check && (observeLayer4 || shutdownSessionsOnDown)) {
      throw new ConfigException(
          backend, what + (observeLayer4 ? "observe layer4" : "on-marked-down") + " requires check");
    }
    CheckSettings checkSettings = null;
    if (check) {
      Duration every = inter == null ? CheckSettings.DEFAULT_INTER : inter;
      try {
        checkSettings =
            new CheckSettings(
                protocol == null ? backendCheck : protocol,
                tls,
                checkAddress,
                checkPort == null ? 0 : checkPort,
                checkSendProxy,
                every,
                fastInter == null ? every : fastInter,
                downInter == null ? every : downInter,
                rise == null ? CheckSettings.DEFAULT_RISE : rise,
                fall == null ? CheckSettings.DEFAULT_FALL : fall,
                checkTimeout,
                observeLayer4,
                errorLimit == null ? CheckSettings.DEFAULT_ERROR_LIMIT : errorLimit,
                onError == null ? OnError.FASTINTER : onError,
                shutdownSessionsOnDown);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(backend, what + e.getMessage());
      }
    }
    return new ServerConfig(
        name,
        address,
        weight == null ? 1 : weight,
        maxConn == null ? 0 : maxConn,
        maxQueue == null ? 0 : maxQueue,
        backup,
        checkSettings,
        agent,
        id == null ? 0 : id);
  }
}
