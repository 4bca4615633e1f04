package io.steelyard.lb;

import io.steelyard.lb.config.BackendConfig;
import io.steelyard.lb.config.ServerConfig;
import io.steelyard.lb.health.Check;
import io.steelyard.lb.schedule.Balance;
import io.steelyard.lb.transport.Source;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

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
public final class BackendBuilder extends BackendSettingsBuilder<BackendBuilder> {
  private final String name;
  private final String what;
  private final Map<String, PendingServer> servers = new LinkedHashMap<>();
  private @Nullable Source source;
  private @Nullable StickTableBuilder stickTable;
  private boolean stickMatch;
  private boolean stickStore;

  /** A server whose options wait for the backend's check timeout. */
  private record PendingServer(ServerBuilder options, InetSocketAddress address) {}

  BackendBuilder(String name) {
    super(name, "backend '" + name + "': ");
    this.name = name;
    this.what = "backend '" + name + "': ";
  }

  /** Adds a server with the default options; {@code address} is {@code host:port}. */
  public BackendBuilder server(String name, String address) {
    return server(name, address, s -> {});
  }

  /** Adds a server; {@code options} sets its weight, maxconn, backup flag. */
  public BackendBuilder server(String name, String address, Consumer<ServerBuilder> options) {
    Checks.name("server", name);
    if (servers.containsKey(name)) {
      throw ConfigException.duplicateServer(this.name, name);
    }
    ServerBuilder builder = new ServerBuilder(this.name, name);
    options.accept(builder);
    servers.put(
        name,
        new PendingServer(
            builder, Addresses.server(this.name, what + "server '" + name + "'", address)));
    return this;
  }

  /** Binds connections to servers to a local address, HAProxy's {@code source ADDR}. */
  public BackendBuilder source(String address) {
    java.net.InetSocketAddress local = Addresses.bind(name, what + "source", address + ":0");
    return source(Source.address(local.getAddress()));
  }

  /**
   * Connects to servers from the client's own address, so that they see the real client,
   * HAProxy's {@code source 0.0.0.0 usesrc clientip}; needs the TPROXY transport and its
   * routing rules, and servers whose route back to clients goes through the balancer.
   */
  public BackendBuilder sourceClientIp() {
    return source(Source.clientIp());
  }

  /** As {@link #sourceClientIp()}, with the client's port too (HAProxy's {@code usesrc client}). */
  public BackendBuilder sourceClient() {
    return source(Source.client());
  }

  private BackendBuilder source(Source source) {
    Checks.unset(name, what + "source", this.source);
    this.source = source;
    return this;
  }

  /** Declares the backend's stick table of client addresses. */
  public BackendBuilder stickTable(Consumer<StickTableBuilder> settings) {
    Checks.unset(name, what + "stick-table", stickTable == null ? null : "a table");
    stickTable = new StickTableBuilder(name);
    settings.accept(stickTable);
    return this;
  }

  /**
   * Keeps each client on the server it was first sent to, HAProxy's {@code stick on src}: a
   * known client goes to its stored server (unless that server is down or in maintenance), and
   * each client's server is stored once connected.
   */
  public BackendBuilder stickOnSource() {
    return stickMatchSource().stickStoreSource();
  }

  /** {@link #stickTable} and {@link #stickOnSource()} in one call. */
  public BackendBuilder stickOnSource(Consumer<StickTableBuilder> table) {
    return stickTable(table).stickOnSource();
  }

  /** Sends a known client to its stored server, HAProxy's {@code stick match src}. */
  public BackendBuilder stickMatchSource() {
    stickMatch = true;
    return this;
  }

  /**
   * Stores each client's server once connected, HAProxy's {@code stick store-request src}.
   * Alone, without a match rule, nothing reads the entries, so nothing sticks.
   */
  public BackendBuilder stickStoreSource() {
    stickStore = true;
    return this;
  }

  BackendConfig build(DefaultsBuilder defaults, Set<String> peers) {
    if (servers.isEmpty()) {
      throw new ConfigException(name, what + "has no server");
    }
    if ((stickMatch || stickStore) && stickTable == null) {
      throw new ConfigException(
          name, what + "'stick " + (stickMatch && stickStore ? "on" : stickMatch ? "match" : "store-request")
              + " src' needs a stick-table");
    }
    Duration connect =
        Checks.first(connectTimeout, defaults.connectTimeout, DefaultsBuilder.CONNECT_TIMEOUT);
    Duration check = Checks.firstOrNull(checkTimeout, defaults.checkTimeout);
    List<ServerConfig> built = new ArrayList<>();
    Check protocol = Checks.first(this.check, defaults.check, Check.connect());
    servers.forEach((server, pending) ->
        built.add(pending.options().build(server, pending.address(), check, protocol)));
    Map<Integer, String> ids = new HashMap<>();
    for (ServerConfig server : built) {
      String other = server.id() == 0 ? null : ids.putIfAbsent(server.id(), server.name());
      if (other != null) {
        throw new ConfigException(name, what + "server '" + server.name() + "': id "
            + server.id() + " is already used by server '" + other + "'");
      }
    }
    return new BackendConfig(
        name,
        Checks.first(balance, defaults.balance, Balance.roundRobin()),
        List.copyOf(built),
        connect,
        Checks.first(serverTimeout, defaults.serverTimeout, DefaultsBuilder.SERVER_TIMEOUT),
        Checks.first(queueTimeout, defaults.queueTimeout, connect),
        check,
        protocol,
        Checks.first(retries, defaults.retries, DefaultsBuilder.RETRIES),
        Checks.first(redispatch, defaults.redispatch, false),
        stickTable == null ? null : stickTable.build(stickMatch, stickStore, peers),
        source,
        serverKeepAliveSet ? serverKeepAlive : defaults.serverKeepAlive);
  }
}
