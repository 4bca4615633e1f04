package io.steelyard.lb;

import static java.util.Objects.requireNonNull;

import io.steelyard.lb.schedule.Balance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A backend: its servers and how connections spread over them.
 *
 * <pre>{@code
 * b -> b.balance(Balance.leastConn())
 *       .server("s1", "10.0.0.1:80")
 *       .server("s2", "10.0.0.2:80", s -> s.weight(3))
 * }</pre>
 *
 * <p>Settings left unset come from {@link BalancerBuilder#defaults}. Server names are unique in a
 * backend: a second server with the same name fails at once, as it does in HAProxy.
 */
public final class BackendBuilder {
  private final String name;
  private final String what;
  private final Map<String, ServerConfig> servers = new LinkedHashMap<>();
  private Balance balance;
  private Duration connectTimeout;
  private Duration serverTimeout;
  private Integer retries;
  private Boolean redispatch;

  BackendBuilder(String name) {
    this.name = name;
    this.what = "backend '" + name + "': ";
  }

  /** The algorithm that picks a server for each connection. */
  public BackendBuilder balance(Balance balance) {
    Checks.unset(name, what + "balance", this.balance == null ? null : this.balance.name());
    this.balance = requireNonNull(balance, "balance");
    return this;
  }

  /** Adds a server with the default options; {@code address} is {@code host:port}. */
  public BackendBuilder server(String name, String address) {
    return server(name, address, s -> {});
  }

  /** Adds a server; {@code options} sets its weight, maxconn, backup flag. */
  public BackendBuilder server(String name, String address, Consumer<ServerBuilder> options) {
    Checks.name("server", name);
    if (servers.containsKey(name)) {
      throw new ConfigException(
          this.name, "backend '" + this.name + "', another server named '" + name + "' was already defined");
    }
    ServerBuilder builder = new ServerBuilder(this.name, name);
    options.accept(builder);
    servers.put(
        name,
        builder.build(name, Addresses.server(this.name, what + "server '" + name + "'", address)));
    return this;
  }

  /** The longest one connection attempt to a server may take. */
  public BackendBuilder connectTimeout(Duration timeout) {
    Checks.unset(name, what + "connect timeout", connectTimeout);
    connectTimeout = Checks.timeout(name, what + "connect timeout", timeout);
    return this;
  }

  /** The longest the server side of a connection may stay inactive. */
  public BackendBuilder serverTimeout(Duration timeout) {
    Checks.unset(name, what + "server timeout", serverTimeout);
    serverTimeout = Checks.timeout(name, what + "server timeout", timeout);
    return this;
  }

  /** How many more connection attempts follow a failed one, 0 to 100 (default 3). */
  public BackendBuilder retries(int retries) {
    Checks.unset(name, what + "retries", this.retries);
    this.retries = Checks.range(name, what + "retries", retries, 0, Checks.MAX_RETRIES);
    return this;
  }

  /**
   * Whether a failed connection may be retried on another server: on the last retry, or on any
   * retry once its server is no longer usable. HAProxy's {@code option redispatch}.
   */
  public BackendBuilder redispatch(boolean redispatch) {
    Checks.unset(name, what + "redispatch", this.redispatch);
    this.redispatch = redispatch;
    return this;
  }

  BackendConfig build(DefaultsBuilder defaults) {
    if (servers.isEmpty()) {
      throw new ConfigException(name, what + "has no server");
    }
    return new BackendConfig(
        name,
        Checks.first(balance, defaults.balance, Balance.roundRobin()),
        List.copyOf(new ArrayList<>(servers.values())),
        Checks.first(connectTimeout, defaults.connectTimeout, DefaultsBuilder.CONNECT_TIMEOUT),
        Checks.first(serverTimeout, defaults.serverTimeout, DefaultsBuilder.SERVER_TIMEOUT),
        Checks.first(retries, defaults.retries, DefaultsBuilder.RETRIES),
        Checks.first(redispatch, defaults.redispatch, false));
  }
}
