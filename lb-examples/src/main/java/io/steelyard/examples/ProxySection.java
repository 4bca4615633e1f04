package io.steelyard.examples;

import io.steelyard.lb.Balancer;
import io.steelyard.lb.BackendBuilder;
import io.steelyard.lb.ConfigException;
import io.steelyard.lb.DefaultsBuilder;
import io.steelyard.lb.FrontendBuilder;
import io.steelyard.lb.schedule.Balance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A {@code defaults}, {@code frontend}, {@code backend} or {@code listen} section and the settings
 * its lines give, each kept with its line.
 *
 * <p>The keywords, with HAProxy's meaning, in TCP mode:
 *
 * <ul>
 *   <li>{@code mode tcp}: the only mode; {@code mode http} is an error.
 *   <li>{@code bind ADDR:PORT[,ADDR:PORT...]} (frontend): where it listens; {@code :80} and {@code
 *       *:80} are every IPv4 address, {@code [::]:80} every IPv6 one.
 *   <li>{@code default_backend NAME} (frontend): the backend that takes its connections.
 *   <li>{@code maxconn N} (frontend): the most connections at once; further clients wait in the
 *       kernel's accept queue.
 *   <li>{@code timeout client T} (frontend), {@code timeout connect T}, {@code timeout server T}
 *       (backend): inactivity on the client side, one connection attempt, inactivity on the
 *       server side.
 *   <li>{@code retries N}, {@code option redispatch}, {@code no option redispatch} (backend): how
 *       many more attempts follow a failed connection, and whether the last may go to another
 *       server.
 *   <li>{@code balance leastconn|roundrobin|source|first} (backend): how a server is chosen.
 *   <li>{@code server ...} (backend): see {@link ServerLine}.
 * </ul>
 *
 * <p>A {@code listen} section is a frontend and a backend of the same name, the frontend sending
 * its connections to its own servers unless it names another {@code default_backend}. A {@code
 * defaults} section takes every keyword but {@code bind} and {@code server}; each proxy section
 * takes the values of the last {@code defaults} section before it, where it sets none itself, and a
 * new {@code defaults} section starts from nothing, as in HAProxy. A keyword of the other side
 * (such as {@code server} in a frontend) is an error, where HAProxy only warns and ignores it. A
 * setting given twice in one section keeps the last value, with a warning.
 */
final class ProxySection {

  /** The kinds of section and which side of a proxy each has. */
  enum Kind {
    DEFAULTS("defaults", true, true),
    FRONTEND("frontend", true, false),
    BACKEND("backend", false, true),
    LISTEN("listen", true, true);

    final String keyword;
    final boolean frontend;
    final boolean backend;

    Kind(String keyword, boolean frontend, boolean backend) {
      this.keyword = keyword;
      this.frontend = frontend;
      this.backend = backend;
    }

    /** What HAProxy calls a section of this kind in messages: a listen section is a "proxy". */
    String type() {
      return this == LISTEN ? "proxy" : keyword;
    }
  }

  private final Kind kind;
  private final String name;
  private final ConfigLine header;
  private final ProxySection defaults;
  private final Map<String, Setting<FrontendBuilder>> frontendSettings = new LinkedHashMap<>();
  private final Map<String, Setting<BackendBuilder>> backendSettings = new LinkedHashMap<>();
  private final List<ConfigLine> binds = new ArrayList<>();
  private final Map<String, ServerLine> servers = new LinkedHashMap<>();

  /**
   * A section that {@code header} opens.
   *
   * @param defaults the {@code defaults} section in force, or {@code null}
   */
  ProxySection(Kind kind, String name, ConfigLine header, ProxySection defaults) {
    this.kind = kind;
    this.name = name;
    this.header = header;
    this.defaults = defaults;
  }

  Kind kind() {
    return kind;
  }

  String name() {
    return name;
  }

  ConfigLine header() {
    return header;
  }

  /** What HAProxy calls this section in messages, such as {@code backend 'bk'}. */
  String title() {
    return kind.type() + " '" + name + "'";
  }

  /** Reads one line of the section; an error is thrown, warnings go to {@code diagnostics}. */
  void parse(ConfigLine line, Diagnostics diagnostics) {
    switch (line.keyword()) {
      case "mode":
        mode(line);
        break;
      case "bind":
        side(line, "bind", true);
        if (line.arguments() == 0) {
          throw new IllegalArgumentException(
              "'bind' expects [addr1]:port1{,[addr]:port}... as arguments.");
        }
        if (line.arguments() > 1) {
          throw new IllegalArgumentException(
              "'bind " + line.word(1) + "' in section '" + kind.keyword + "': unknown keyword '"
                  + line.word(2) + "'.");
        }
        binds.add(line);
        break;
      case "default_backend":
        side(line, "default_backend", true);
        line.expect(1, 1, "a backend name");
        String backend = line.word(1);
        set(line, "default_backend", diagnostics, f -> f.defaultBackend(backend), null, null);
        break;
      case "maxconn":
        side(line, "maxconn", true);
        line.expect(1, 1, "an integer argument");
        int maxConn = ConfigValues.integer("maxconn", line.word(1));
        set(line, "maxconn", diagnostics, f -> f.maxConn(maxConn), null, d -> d.maxConn(maxConn));
        break;
      case "timeout":
        timeout(line, diagnostics);
        break;
      case "retries":
        side(line, "retries", false);
        line.expect(1, 1, "an integer argument");
        int retries = ConfigValues.integer("retries", line.word(1));
        set(line, "retries", diagnostics, null, b -> b.retries(retries), d -> d.retries(retries));
        break;
      case "option":
        option(line, 1, true, diagnostics);
        break;
      case "no":
        if (line.arguments() == 0 || !line.word(1).equals("option")) {
          throw new IllegalArgumentException(
              "'no' expects 'option' and an option name (such as 'no option redispatch').");
        }
        option(line, 2, false, diagnostics);
        break;
      case "balance":
        side(line, "balance", false);
        line.expect(1, 1, "an algorithm: leastconn, roundrobin, source or first");
        Balance balance = Balance.named(line.word(1));
        set(line, "balance", diagnostics, null, b -> b.balance(balance), d -> d.balance(balance));
        break;
      case "server":
        server(line);
        break;
      default:
        if (GlobalSection.KEYWORDS.contains(line.keyword())) {
          throw new IllegalArgumentException(
              "'" + line.keyword() + "' is only supported in the 'global' section by Steelyard");
        }
        throw new IllegalArgumentException(
            "unknown keyword '" + line.keyword() + "' in '" + kind.keyword + "' section");
    }
  }

  private void mode(ConfigLine line) {
    line.expect(1, 1, "one of 'tcp' or 'http'");
    switch (line.word(1)) {
      case "tcp":
        return;
      case "http":
        throw new IllegalArgumentException(
            "'mode http' is not supported: Steelyard balances TCP connections only"
                + " (use 'mode tcp').");
      default:
        throw new IllegalArgumentException("unknown proxy mode '" + line.word(1) + "'.");
    }
  }

  private void timeout(ConfigLine line, Diagnostics diagnostics) {
    if (line.arguments() == 0) {
      throw new IllegalArgumentException(
          "'timeout' expects 'connect', 'client' or 'server' and a time.");
    }
    String keyword = "timeout " + line.word(1);
    switch (line.word(1)) {
      case "client":
        side(line, keyword, true);
        Duration client = time(line, keyword);
        set(line, keyword, diagnostics,
            f -> f.clientTimeout(client), null, d -> d.clientTimeout(client));
        break;
      case "connect":
        side(line, keyword, false);
        Duration connect = time(line, keyword);
        set(line, keyword, diagnostics,
            null, b -> b.connectTimeout(connect), d -> d.connectTimeout(connect));
        break;
      case "server":
        side(line, keyword, false);
        Duration server = time(line, keyword);
        set(line, keyword, diagnostics,
            null, b -> b.serverTimeout(server), d -> d.serverTimeout(server));
        break;
      default:
        throw new IllegalArgumentException(
            "'timeout' supports 'connect', 'client' and 'server' in Steelyard (got '"
                + line.word(1) + "').");
    }
  }

  private static Duration time(ConfigLine line, String keyword) {
    line.expect(2, 1, "a time (in milliseconds unless a unit follows: us, ms, s, m, h, d)");
    return ConfigValues.time(keyword, line.word(2));
  }

  private void option(ConfigLine line, int at, boolean enable, Diagnostics diagnostics) {
    if (line.arguments() < at) {
      throw new IllegalArgumentException("'option' expects an option name.");
    }
    if (!line.word(at).equals("redispatch")) {
      throw new IllegalArgumentException(
          "option '" + line.word(at)
              + "' is not supported by Steelyard (supported: 'redispatch').");
    }
    side(line, "option redispatch", false);
    line.expect(at + 1, 0, "no argument");
    set(line, "option redispatch", diagnostics,
        null, b -> b.redispatch(enable), d -> d.redispatch(enable));
  }

  private void server(ConfigLine line) {
    side(line, "server", false);
    ServerLine server = ServerLine.parse(name, line);
    ServerLine previous = servers.get(server.name());
    if (previous != null) {
      throw new IllegalArgumentException(
          title() + ", another server named '" + server.name() + "' was already defined at line "
              + previous.line().number() + ", please use distinct names.");
    }
    servers.put(server.name(), server);
  }

  /**
   * Fails when {@code keyword}, a keyword of the frontend side or the backend side, is in a
   * section without that side, in HAProxy's words.
   */
  private void side(ConfigLine line, String keyword, boolean frontendSide) {
    if (kind == Kind.DEFAULTS && (keyword.equals("bind") || keyword.equals("server"))) {
      throw new IllegalArgumentException("'" + keyword + "' not allowed in 'defaults' section.");
    }
    if (frontendSide ? !kind.frontend : !kind.backend) {
      throw new IllegalArgumentException(
          "'" + keyword + "' not allowed because " + title() + " has no "
              + (frontendSide ? "frontend" : "backend") + " capability.");
    }
  }

  /**
   * Keeps the builder calls of a setting: for the frontend side, the backend side (one of them is
   * {@code null}), and for a {@code defaults} section, whose value is checked at once against the
   * builder's defaults so that a mistake is found even when no section uses it.
   */
  private void set(
      ConfigLine line,
      String keyword,
      Diagnostics diagnostics,
      Consumer<FrontendBuilder> frontend,
      Consumer<BackendBuilder> backend,
      Consumer<DefaultsBuilder> asDefault) {
    if (kind == Kind.DEFAULTS && asDefault != null) {
      Balancer.builder().defaults(asDefault);
    }
    Setting<?> previous =
        frontend != null ? frontendSettings.get(keyword) : backendSettings.get(keyword);
    if (previous != null) {
      diagnostics.warning(
          line,
          "overwriting '" + keyword + "' which was already specified at line "
              + previous.line().number());
    }
    if (frontend != null) {
      frontendSettings.put(keyword, new Setting<>(line, frontend));
    } else {
      backendSettings.put(keyword, new Setting<>(line, backend));
    }
  }

  /** The frontend-side settings in force: its own, else those of its {@code defaults} section. */
  Map<String, Setting<FrontendBuilder>> frontendSettings() {
    Map<String, Setting<FrontendBuilder>> settings =
        new LinkedHashMap<>(defaults == null ? Map.of() : defaults.frontendSettings);
    settings.putAll(frontendSettings);
    return settings;
  }

  /** The backend-side settings in force: its own, else those of its {@code defaults} section. */
  Map<String, Setting<BackendBuilder>> backendSettings() {
    Map<String, Setting<BackendBuilder>> settings =
        new LinkedHashMap<>(defaults == null ? Map.of() : defaults.backendSettings);
    settings.putAll(backendSettings);
    return settings;
  }

  /** The {@code default_backend} line in force, or {@code null}. */
  ConfigLine defaultBackendLine() {
    Setting<FrontendBuilder> setting = frontendSettings().get("default_backend");
    return setting == null ? null : setting.line();
  }

  /**
   * Whether the balancer gets a backend of this name: a backend section always (without servers
   * it is an error), a listen section unless it has no server and sends its connections to
   * another backend.
   */
  boolean hasBackend() {
    return kind == Kind.BACKEND
        || kind == Kind.LISTEN && (!servers.isEmpty() || defaultBackendLine() == null);
  }

  boolean hasServers() {
    return !servers.isEmpty();
  }

  /** Sets the frontend side in {@code frontend}; each refused value is an error at its line. */
  void applyTo(FrontendBuilder frontend, Diagnostics diagnostics) {
    for (ConfigLine bind : binds) {
      for (String address : bind.word(1).split(",", -1)) {
        new Setting<FrontendBuilder>(bind, f -> f.bind(address)).applyTo(frontend, diagnostics);
      }
    }
    Map<String, Setting<FrontendBuilder>> settings = frontendSettings();
    if (kind == Kind.LISTEN && !settings.containsKey("default_backend")) {
      settings.put("default_backend", new Setting<>(header, f -> f.defaultBackend(name)));
    }
    settings.values().forEach(s -> s.applyTo(frontend, diagnostics));
  }

  /** Sets the backend side and the servers in {@code backend}; each refused value is an error. */
  void applyTo(BackendBuilder backend, Diagnostics diagnostics) {
    backendSettings().values().forEach(s -> s.applyTo(backend, diagnostics));
    for (ServerLine server : servers.values()) {
      try {
        backend.server(server.name(), server.address(), server.options());
      } catch (ConfigException e) {
        diagnostics.error(server.line(), e.getMessage());
      }
    }
  }

  /** The names of the timeouts HAProxy warns about when missing here, such as 'connect'. */
  List<String> missingTimeouts() {
    List<String> missing = new ArrayList<>();
    if (kind.frontend && !frontendSettings().containsKey("timeout client")) {
      missing.add("client");
    }
    if (kind.backend && !backendSettings().containsKey("timeout connect")) {
      missing.add("connect");
    }
    if (kind.backend && !backendSettings().containsKey("timeout server")) {
      missing.add("server");
    }
    return missing;
  }
}
