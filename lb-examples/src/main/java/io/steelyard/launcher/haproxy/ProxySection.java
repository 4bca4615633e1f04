package io.steelyard.launcher.haproxy;

import io.steelyard.launcher.ConfigLine;
import io.steelyard.launcher.ConfigValues;
import io.steelyard.launcher.Diagnostics;
import io.steelyard.lb.BackendBuilder;
import io.steelyard.lb.Balancer;
import io.steelyard.lb.ConfigException;
import io.steelyard.lb.DefaultsBuilder;
import io.steelyard.lb.FrontendBuilder;
import io.steelyard.lb.health.Check;
import io.steelyard.lb.log.LogFormat;
import io.steelyard.lb.schedule.Balance;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 *   <li>{@code bind ... transparent} (frontend): also accepts connections to addresses that are
 *       not local, which the TPROXY routing rules divert to it. Steelyard makes the whole frontend
 *       transparent when one of its {@code bind} lines is. Other bind options are errors.
 *   <li>{@code source ADDR[:0]} (backend): connections to servers leave from {@code ADDR}, the
 *       system choosing the port (a fixed port is an error); {@code source ADDR usesrc clientip}
 *       and {@code usesrc client}: from the client's address (and port), so that servers see the
 *       real client. {@code usesrc ADDR2}, {@code hdr_ip()} and {@code interface} are errors.
 *       {@code ADDR} and {@code ADDR2} are IP addresses ({@code *} is any IPv4 address): where
 *       HAProxy would resolve a host name, the launcher refuses it, so that checking a file sends
 *       nothing over the network.
 *   <li>{@code option splice-request}, {@code splice-response}, {@code splice-auto} (any section):
 *       relay that direction, or both for {@code splice-auto}, each once a read of it fills a
 *       16 KiB buffer, with splice(2). Unlike HAProxy, where it is per proxy, splicing is a
 *       property of the balancer's epoll transport (TPROXY's included): a splice option in any
 *       section splices its directions for every connection, and io_uring and NIO copy, with a
 *       warning. {@code no option splice-*} is an error.
 *   <li>{@code default_backend NAME} (frontend): the backend that takes its connections.
 *   <li>{@code maxconn N} (frontend): the most connections at once; further clients wait in the
 *       kernel's accept queue.
 *   <li>{@code timeout client T} (frontend), {@code timeout connect T}, {@code timeout server T}
 *       (backend): inactivity on the client side, one connection attempt, inactivity on the
 *       server side. As in HAProxy, 0 is no timeout: that wait is not limited (with the same
 *       warning as a missing timeout, for which Steelyard takes a default instead).
 *   <li>{@code timeout queue T} (backend): the longest a client waits in a queue for a server
 *       (the connect timeout by default); {@code timeout check T} (backend): once set, a health
 *       check may take {@code min(timeout connect, inter)}, else {@code inter}. As in HAProxy, 0
 *       is as not set, overriding a {@code defaults} section's value, with a notice.
 *   <li>{@code retries N}, {@code option redispatch}, {@code no option redispatch} (backend): how
 *       many more attempts follow a failed connection, and whether the last may go to another
 *       server.
 *   <li>{@code [no] option tcpka|clitcpka|srvtcpka}, {@code clitcpka-idle|-intvl|-cnt} (frontend),
 *       {@code srvtcpka-idle|-intvl|-cnt} (backend): TCP keep-alive probes on that side's sockets,
 *       see {@link KeepAliveLines}.
 *   <li>{@code balance leastconn|roundrobin|source|first} (backend): how a server is chosen;
 *       {@code hash-type map-based|consistent} (backend): how {@code balance source} hashes,
 *       HAProxy's map-based table (the default) or a consistent one, Maglev's.
 *   <li>{@code server ...}, {@code default-server ...} (backend): see {@link ServerLine} and
 *       {@link ServerOptions}.
 *   <li>{@code stick-table type ip size N [expire T] [peers NAME]} (backend, not defaults): see
 *       {@link StickTableLine}; {@code peers NAME} replicates it with a {@link PeersSection}.
 *   <li>{@code stick on src} (backend, not defaults): a client goes to the server its address is
 *       stored with, unless that server is down, and its server is stored once connected. It is
 *       {@code stick match src}, which only goes, and {@code stick store-request src} (or {@code
 *       stick store src}), which only stores, together. HAProxy's other patterns, {@code table}
 *       and {@code if}/{@code unless} conditions are errors. As in HAProxy, a section that stores
 *       without matching, or matches without storing, sticks no client: it is a warning here.
 *   <li>{@code log}, {@code option tcplog}, {@code log-format}, {@code option dontlognull}: see
 *       {@link Logging}.
 * </ul>
 *
 * <p>A {@code listen} section is a frontend and a backend of the same name, the frontend sending
 * its connections to its own servers unless it names another {@code default_backend}. A {@code
 * defaults} section takes every keyword but {@code bind}, {@code server}, {@code stick-table} and
 * {@code stick}; each proxy section takes the values of the last {@code defaults} section before
 * it, where it sets none itself, and a new {@code defaults} section starts from nothing, as in
 * HAProxy. A keyword of the other side (such as {@code server} in a frontend) is an error, where
 * HAProxy only warns and ignores it. A setting given twice in one section keeps the last value,
 * with a warning.
 */
final class ProxySection {
  /** The keywords of a proxy's own, which a {@code defaults} section cannot give. */
  private static final Set<String> NOT_IN_DEFAULTS = Set.of("bind", "server", "stick", "tcp-check");

  /** HAProxy's splice options, each a direction or both for the epoll transport. */
  /** HAProxy's TCP keep-alive options: the client side, the server side, or both. */
  private static final Set<String> KEEP_ALIVE_OPTIONS = Set.of("tcpka", "clitcpka", "srvtcpka");
  private static final Set<String> SPLICE_OPTIONS =
      Set.of("splice-auto", "splice-request", "splice-response");

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
  private final Logging logging = new Logging();
  private final Map<String, Setting<FrontendBuilder>> frontendSettings = new LinkedHashMap<>();
  private final Map<String, Setting<BackendBuilder>> backendSettings = new LinkedHashMap<>();
  private final List<ConfigLine> binds = new ArrayList<>();
  private ConfigLine httpMode;
  private ConfigLine prometheus;
  private final Map<String, ServerLine> servers = new LinkedHashMap<>();
  private ServerOptions defaultServer;
  private StickTableLine stickTable;
  private ConfigLine stickMatch;
  private ConfigLine stickStore;
  private boolean transparent;
  private boolean usesrc;
  private final List<ConfigLine> spliceLines = new ArrayList<>();
  private final KeepAliveLines clientKeepAlive = new KeepAliveLines();
  private final KeepAliveLines serverKeepAlive = new KeepAliveLines();
  private final CheckLines checks = new CheckLines();

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
    this.defaultServer = defaults == null ? ServerOptions.NONE : defaults.defaultServer;
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
      case "http-request":
        prometheus(line);
        break;
      case "bind":
        side(line, "bind", true);
        if (line.arguments() == 0) {
          throw new IllegalArgumentException(
              "'bind' expects [addr1]:port1{,[addr]:port}... as arguments.");
        }
        for (int i = 2; i <= line.arguments(); i++) {
          if (!line.word(i).equals("transparent")) {
            throw new IllegalArgumentException(
                "'bind " + line.word(1) + "' in section '" + kind.keyword + "': unknown keyword '"
                    + line.word(i) + "'.");
          }
          transparent = true;
        }
        binds.add(line);
        break;
      case "source":
        source(line, diagnostics);
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
        if (line.arguments() >= 1 && line.word(1).equals("log")) {
          logging.noLog(line);
          break;
        }
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
        // Applied with the hash-type in force, see applyTo.
        set(line, "balance", diagnostics, null, b -> {}, d -> d.balance(balance));
        break;
      case "hash-type":
        side(line, "hash-type", false);
        hashType(line);
        set(line, "hash-type", diagnostics, null, b -> {}, null);
        break;
      case "server":
        server(line);
        break;
      case "default-server":
        defaultServer(line);
        break;
      case "stick-table":
        stickTable(line);
        break;
      case "stick":
        stick(line);
        break;
      case "log":
        logging.log(line, false);
        break;
      case "log-format":
        logging.logFormat(line);
        break;
      case "clitcpka-idle":
      case "clitcpka-intvl":
      case "clitcpka-cnt":
        side(line, line.keyword(), true);
        clientKeepAlive.timing(line);
        break;
      case "tcp-check":
        side(line, "tcp-check", false);
        checks.rule(line);
        break;
      case "srvtcpka-idle":
      case "srvtcpka-intvl":
      case "srvtcpka-cnt":
        side(line, line.keyword(), false);
        serverKeepAlive.timing(line);
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

  /**
   * Reads {@code http-request use-service prometheus-exporter [if { path /metrics }]}, the one
   * HTTP service Steelyard has: the frontend then serves HAProxy's Prometheus page on {@code
   * /metrics} (see {@link io.steelyard.lb.metrics.PrometheusExporter}).
   */
  private void prometheus(ConfigLine line) {
    List<String> words = line.words().subList(1, line.words().size());
    boolean exporter = words.equals(List.of("use-service", "prometheus-exporter"))
        || words.equals(List.of("use-service", "prometheus-exporter", "if", "{", "path", "/metrics", "}"));
    if (!exporter) {
      throw new IllegalArgumentException("'http-request' is supported by Steelyard only as"
          + " 'http-request use-service prometheus-exporter if { path /metrics }', in a frontend in"
          + " 'mode http'.");
    }
    prometheus = line;
  }

  /** Whether it is a frontend that serves HAProxy's Prometheus page, not traffic. */
  boolean prometheusExporter() {
    return httpMode != null;
  }

  /** The addresses a Prometheus frontend listens on ({@link #checkPrometheus} checked them). */
  List<InetSocketAddress> prometheusAddresses() {
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (ConfigLine bind : binds) {
      for (String address : bind.word(1).split(",", -1)) {
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, Math.max(colon, 0)).replace("[", "").replace("]", "");
        int port = colon < 0 ? -1 : ConfigValues.integer("bind port", address.substring(colon + 1));
        if (!host.isEmpty() && !host.equals("*") && !ConfigValues.isIpAddress(host) || port < 1 || port > 65535) {
          throw new IllegalArgumentException("'bind " + address + "' : the Prometheus page listens on"
              + " an <ip>:<port> ('*' or nothing for all addresses).");
        }
        addresses.add(host.isEmpty() || host.equals("*")
            ? new InetSocketAddress(port)
            : new InetSocketAddress(ConfigValues.ipAddress("bind", host), port));
      }
    }
    return addresses;
  }

  /** Reports a {@code mode http} frontend that is not the exporter, or the exporter elsewhere. */
  void checkPrometheus(Diagnostics diagnostics) {
    if (httpMode != null && prometheus == null) {
      diagnostics.error(httpMode, "'mode http' is supported by Steelyard only for HAProxy's"
          + " Prometheus exporter: this frontend needs 'http-request use-service"
          + " prometheus-exporter if { path /metrics }'.");
    } else if (prometheus != null && httpMode == null) {
      diagnostics.error(prometheus, "'http-request use-service prometheus-exporter' needs 'mode"
          + " http' in its frontend.");
    } else if (httpMode != null && binds.isEmpty()) {
      diagnostics.error(header, title() + " serves the Prometheus page but has no 'bind'.");
    } else if (httpMode != null) {
      try {
        prometheusAddresses();
      } catch (IllegalArgumentException e) {
        diagnostics.error(binds.get(0), e.getMessage());
      }
    }
  }

  private void mode(ConfigLine line) {
    line.expect(1, 1, "one of 'tcp' or 'http'");
    switch (line.word(1)) {
      case "tcp":
        return;
      case "http":
        if (kind != Kind.FRONTEND) {
          throw new IllegalArgumentException(
              "'mode http' is not supported: Steelyard balances TCP connections only"
                  + " (use 'mode tcp'); a frontend in 'mode http' may serve HAProxy's Prometheus"
                  + " exporter.");
        }
        httpMode = line;
        return;
      default:
        throw new IllegalArgumentException("unknown proxy mode '" + line.word(1) + "'.");
    }
  }

  private void timeout(ConfigLine line, Diagnostics diagnostics) {
    if (line.arguments() == 0) {
      throw new IllegalArgumentException(
          "'timeout' expects 'connect', 'client', 'server', 'queue' or 'check' and a time.");
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
      case "queue":
        side(line, keyword, false);
        Duration queue = time(line, keyword);
        if (queue.isZero()) {
          notSet(line, keyword, diagnostics,
              "a connection waits in a queue as long as the connect timeout");
        } else {
          set(line, keyword, diagnostics,
              null, b -> b.queueTimeout(queue), d -> d.queueTimeout(queue));
        }
        break;
      case "check":
        side(line, keyword, false);
        Duration check = time(line, keyword);
        if (check.isZero()) {
          notSet(line, keyword, diagnostics, "a check may take up to its 'inter'");
        } else {
          set(line, keyword, diagnostics,
              null, b -> b.checkTimeout(check), d -> d.checkTimeout(check));
        }
        break;
      default:
        throw new IllegalArgumentException(
            "'timeout' supports 'connect', 'client', 'server', 'queue' and 'check' in Steelyard"
                + " (got '" + line.word(1) + "').");
    }
  }

  /**
   * Reads {@code timeout queue 0} or {@code timeout check 0} as HAProxy does: as not set, here or
   * in the {@code defaults} section, with a notice saying what applies instead.
   */
  private void notSet(ConfigLine line, String keyword, Diagnostics diagnostics, String instead) {
    diagnostics.notice(
        line, "'" + keyword + " " + line.word(2) + "' is not set, as in HAProxy: " + instead);
    set(line, keyword, diagnostics, null, b -> {}, null);
  }

  /**
   * Reads {@code hash-type map-based|consistent}: how {@code balance source} hashes, HAProxy's
   * map-based table by default, or Maglev's consistent table. HAProxy's hash functions and
   * modifiers are refused: Steelyard hashes the client's address itself.
   */
  private static void hashType(ConfigLine line) {
    if (line.arguments() == 0) {
      throw new IllegalArgumentException(
          "'hash-type' expects 'map-based' or 'consistent' as a hash method.");
    }
    String method = line.word(1);
    if (!method.equals("map-based") && !method.equals("consistent")) {
      throw new IllegalArgumentException("'hash-type': unknown hash method '" + method
          + "' (expected 'map-based' or 'consistent').");
    }
    if (line.arguments() > 1) {
      throw new IllegalArgumentException("'hash-type': the hash function '" + line.word(2)
          + "' is not supported by Steelyard (it hashes the client's address itself; write"
          + " 'hash-type " + method + "' alone).");
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
    if (line.word(at).equals("tcplog")) {
      logging.tcplog(line, at, enable);
      return;
    }
    if (line.word(at).equals("dontlognull")) {
      line.expect(at + 1, 0, "no argument");
      set(line, "dontlognull", diagnostics, f -> {
        if (enable) {
          f.dontLogNull();
        }
      }, null, null);
      return;
    }
    if (SPLICE_OPTIONS.contains(line.word(at))) {
      splice(line, at, enable, diagnostics);
      return;
    }
    if (KEEP_ALIVE_OPTIONS.contains(line.word(at))) {
      keepAlive(line, at, enable);
      return;
    }
    if (CheckLines.OPTIONS.contains(line.word(at))) {
      side(line, "option " + line.word(at), false);
      if (!enable) {
        throw new IllegalArgumentException(
            "'no option " + line.word(at) + "' is not supported by Steelyard: another check"
                + " option replaces it.");
      }
      checks.option(line, at, diagnostics);
      return;
    }
    if (!line.word(at).equals("redispatch")) {
      throw new IllegalArgumentException(
          "option '" + line.word(at) + "' is not supported by Steelyard (supported:"
              + " 'redispatch', 'tcplog', 'dontlognull', 'splice-auto', 'splice-request',"
              + " 'splice-response', 'tcpka', 'clitcpka', 'srvtcpka', 'tcp-check', 'redis-check',"
              + " 'mysql-check', 'pgsql-check', 'smtpchk', 'ldap-check', 'ssl-hello-chk').");
    }
    side(line, "option redispatch", false);
    line.expect(at + 1, 0, "no argument");
    set(line, "option redispatch", diagnostics,
        null, b -> b.redispatch(enable), d -> d.redispatch(enable));
  }

  /**
   * Reads {@code [no] option tcpka|clitcpka|srvtcpka}: {@code tcpka} turns keep-alive on or off for
   * each side the section has, the others for their side only.
   */
  private void keepAlive(ConfigLine line, int at, boolean enable) {
    String option = line.word(at);
    line.expect(at + 1, 0, "no argument");
    boolean client = !option.equals("srvtcpka");
    boolean server = !option.equals("clitcpka");
    if (!option.equals("tcpka")) {
      side(line, "option " + option, client);
    }
    if (client && kind.frontend) {
      clientKeepAlive.option(line, enable);
    }
    if (server && kind.backend) {
      serverKeepAlive.option(line, enable);
    }
  }

  /**
   * Reads {@code option splice-auto|splice-request|splice-response}: splicing belongs to the
   * balancer's transport, so the directions that any section names are spliced everywhere.
   */
  private void splice(ConfigLine line, int at, boolean enable, Diagnostics diagnostics) {
    String option = line.word(at);
    if (!enable) {
      throw new IllegalArgumentException(
          "'no option " + option + "' is not supported by Steelyard: splicing is set for the"
              + " whole balancer, by the 'option splice-*' lines of every section.");
    }
    line.expect(at + 1, 0, "no argument");
    spliceLines.add(line);
  }

  /**
   * Reads {@code source ADDR[:PORT] [usesrc client|clientip]}, in HAProxy's words. A fixed
   * foreign address ({@code usesrc ADDR2}), {@code hdr_ip()} and {@code interface} are errors.
   */
  private void source(ConfigLine line, Diagnostics diagnostics) {
    side(line, "source", false);
    if (line.arguments() == 0) {
      throw new IllegalArgumentException(
          "'source' expects <addr>[:<port>], and optionally 'usesrc' <addr>, and 'interface'"
              + " <name>.");
    }
    String host = sourceHost(line.word(1));
    Consumer<BackendBuilder> call = b -> b.source(host);
    boolean foreign = false;
    for (int i = 2; i <= line.arguments(); i += 2) {
      String keyword = line.word(i);
      String argument = i < line.arguments() ? line.word(i + 1) : "";
      if (keyword.equals("usesrc")) {
        switch (argument) {
          case "":
            throw new IllegalArgumentException(
                "'usesrc' expects <addr>[:<port>], 'client', or 'clientip' as argument.");
          case "client":
            call = BackendBuilder::sourceClient;
            break;
          case "clientip":
            call = BackendBuilder::sourceClientIp;
            break;
          default:
            if (!argument.startsWith("hdr_ip(")) {
              address("usesrc", argument);
            }
            throw new IllegalArgumentException(
                "'usesrc " + argument + "' is not supported by Steelyard: it connects from the"
                    + " client's address ('usesrc clientip' or 'usesrc client'), not from a fixed"
                    + " or header-given foreign address.");
        }
        foreign = true;
      } else if (keyword.equals("interface")) {
        throw new IllegalArgumentException(
            "'source' : 'interface' is not supported by Steelyard (it does not bind connections"
                + " to a network interface).");
      } else {
        throw new IllegalArgumentException(
            "'source' only supports optional keywords 'interface' and 'usesrc'.");
      }
    }
    if (foreign && !host.isEmpty() && !host.equals("0.0.0.0") && !host.equals("[::]")) {
      diagnostics.notice(
          line,
          "'source " + line.word(1) + "' with 'usesrc' : Steelyard connects from the client's"
              + " address only; '" + line.word(1) + "' is not used");
    }
    if (kind == Kind.DEFAULTS) {
      // Checked at once, as the values of a defaults section are.
      Consumer<BackendBuilder> probe = call;
      try {
        Balancer.builder().backend("defaults", probe);
      } catch (ConfigException e) {
        throw new IllegalArgumentException(
            e.getMessage().replace("backend 'defaults': ", "defaults: "), e);
      }
    }
    usesrc = foreign;
    set(line, "source", diagnostics, null, call, null);
  }

  /**
   * The host of a {@code source ADDR[:PORT]} argument, bracketed if IPv6, for {@link
   * BackendBuilder#source(String)}; a port other than 0 is an error, since the system chooses it.
   */
  private static String sourceHost(String word) {
    Address address = address("source", word);
    if (!address.port().isEmpty() && !address.port().equals("0")) {
      throw new IllegalArgumentException(
          "'source " + word + "' : a source port is not supported by Steelyard (the system"
              + " chooses it); give the address alone.");
    }
    return address.host().indexOf(':') >= 0 ? "[" + address.host() + "]" : address.host();
  }

  /**
   * An {@code ADDR[:PORT]} argument split as HAProxy splits it: {@code [v6]:port}, {@code
   * v4:port}, or an IPv6 address alone (more than one colon).
   *
   * @param host an IPv4 or IPv6 address, without brackets; empty for any IPv4 address
   * @param port as written, empty when there is none
   */
  private record Address(String host, String port) {}

  /**
   * Splits {@code word}, the argument of {@code keyword} ({@code source} or {@code usesrc}), and
   * checks that its host is an IP address, {@code *} or nothing, in HAProxy's words. A host name
   * is refused: the launcher resolves none.
   *
   * @throws IllegalArgumentException naming the keyword, the argument and the host
   */
  private static Address address(String keyword, String word) {
    String host = word;
    String port = "";
    int close = word.indexOf(']');
    if (word.startsWith("[") && close > 1
        && (close + 1 == word.length() || word.charAt(close + 1) == ':')) {
      host = word.substring(1, close);
      port = close + 1 == word.length() ? "" : word.substring(close + 2);
    } else if (!word.startsWith("[") && word.indexOf(':') == word.lastIndexOf(':')
        && word.indexOf(':') >= 0) {
      host = word.substring(0, word.indexOf(':'));
      port = word.substring(word.indexOf(':') + 1);
    }
    host = host.equals("*") ? "" : host;
    if (!host.isEmpty() && !ConfigValues.isIpAddress(host)) {
      throw new IllegalArgumentException(
          "'" + keyword + " " + word + "' : invalid address: '" + host + "' in '" + word
              + "' (Steelyard takes an IPv4 or IPv6 address; it resolves no host name)");
    }
    return new Address(host, port);
  }

  private void server(ConfigLine line) {
    side(line, "server", false);
    ServerLine server = ServerLine.parse(name, line, defaultServer);
    ServerLine previous = servers.get(server.name());
    if (previous != null) {
      throw new IllegalArgumentException(
          title() + ", another server named '" + server.name() + "' was already defined at line "
              + previous.line().number() + ", please use distinct names.");
    }
    servers.put(server.name(), server);
  }

  /**
   * Reads a {@code default-server} line into the options that the servers after it take. Its
   * values are checked at once, as those of a {@code defaults} section are, so that a mistake is
   * found at its line, once, even when no server follows.
   */
  private void defaultServer(ConfigLine line) {
    side(line, "default-server", false);
    ServerOptions options = ServerOptions.parse(line, 1, "'default-server' : ");
    String probe = name.isEmpty() ? kind.keyword : name;
    try {
      Balancer.builder()
          .backend(probe, b -> b.server("default-server", "127.0.0.1:1", options::applyCallsTo));
    } catch (ConfigException e) {
      // The builder names the probe as a backend; a defaults section is none.
      throw new IllegalArgumentException(
          kind == Kind.DEFAULTS
              ? e.getMessage().replace("backend '" + probe + "': ", "defaults: ")
              : e.getMessage(),
          e);
    }
    defaultServer = options.over(defaultServer);
  }

  /** Reads the section's {@code stick-table} line; HAProxy gives a section one table. */
  private void stickTable(ConfigLine line) {
    if (kind == Kind.DEFAULTS) {
      throw new IllegalArgumentException("'stick-table' is not supported in 'defaults' section.");
    }
    if (!kind.backend) {
      throw new IllegalArgumentException(
          "'stick-table' in " + title() + " serves 'track-sc' rules, which Steelyard does not"
              + " have; declare the table in the backend whose 'stick' rules use it.");
    }
    if (stickTable != null) {
      throw new IllegalArgumentException(
          "stick-table name '" + name + "' conflicts with table declared in " + kind.keyword
              + " '" + name + "' at " + stickTable.line().place() + ".");
    }
    stickTable = StickTableLine.parse(line);
  }

  /**
   * Reports a {@code stick-table ... peers NAME} that names none of {@code sections}, the names
   * of the {@code peers} sections, at the table's line in HAProxy's words.
   */
  void checkPeers(Set<String> sections, Diagnostics diagnostics) {
    if (stickTable != null && stickTable.peers() != null
        && !sections.contains(stickTable.peers())) {
      diagnostics.error(
          stickTable.line(),
          "Proxy '" + name + "': unable to find sync peers '" + stickTable.peers() + "'.");
    }
  }

  /** Reads a {@code stick on|match|store-request src} line. */
  private void stick(ConfigLine line) {
    side(line, "stick", false);
    String rule = line.arguments() == 0 ? "" : line.word(1);
    boolean match = rule.equals("on") || rule.equals("match");
    boolean store = rule.equals("on") || rule.equals("store-request") || rule.equals("store");
    if (rule.equals("store-response")) {
      throw new IllegalArgumentException(
          "'stick store-response' is not supported by Steelyard (it supports 'on', 'match' and"
              + " 'store-request').");
    }
    if (!match && !store) {
      throw new IllegalArgumentException("'stick' expects 'on', 'match', or 'store'.");
    }
    if (line.arguments() < 2) {
      throw new IllegalArgumentException("'stick' expects a fetch method.");
    }
    if (line.arguments() > 2 || !line.word(2).equals("src")) {
      throw new IllegalArgumentException(
          "'stick " + rule + "' supports only 'src' without condition in Steelyard (got '"
              + String.join(" ", line.words().subList(2, line.words().size())) + "').");
    }
    if (match && stickMatch == null) {
      stickMatch = line;
    }
    if (store && stickStore == null) {
      stickStore = line;
    }
  }

  /**
   * Reports what only the whole section shows of its {@code stick} rules: a rule without a {@code
   * stick-table} is an error in HAProxy's words; storing without matching, or matching without
   * storing, sticks no client, and is a warning.
   */
  void checkStickRules(Diagnostics diagnostics) {
    if (stickMatch == null && stickStore == null) {
      return;
    }
    if (stickTable == null) {
      ConfigLine first =
          stickMatch == null || stickStore != null && stickStore.number() < stickMatch.number()
              ? stickStore
              : stickMatch;
      diagnostics.error(
          first, "Proxy '" + name + "': unable to find stick-table '" + name + "'.");
    } else if (stickMatch == null) {
      diagnostics.warning(
          stickStore,
          title() + ": '" + String.join(" ", stickStore.words()) + "' without 'stick match src'"
              + " stores entries that nothing reads, so no client sticks (as in HAProxy); use"
              + " 'stick on src' to keep clients on their server.");
    } else if (stickStore == null) {
      diagnostics.warning(
          stickMatch,
          title() + ": 'stick match src' without 'stick store-request src' looks up entries that"
              + " nothing stores, so no client sticks (as in HAProxy); use 'stick on src' to keep"
              + " clients on their server.");
    }
  }

  /** Warns of {@code tcp-check} lines that no {@code option tcp-check} puts to use, as HAProxy. */
  void checkCheckRules(Diagnostics diagnostics) {
    ConfigLine ignored = checks.ignoredRules(defaults == null ? null : defaults.checks);
    if (ignored != null) {
      diagnostics.warning(
          ignored,
          title() + ": 'tcp-check' rules are ignored because 'option tcp-check' is not in force"
              + " (as in HAProxy).");
    }
  }

  /**
   * Fails when {@code keyword}, a keyword of the frontend side or the backend side, is in a
   * section without that side, in HAProxy's words.
   */
  private void side(ConfigLine line, String keyword, boolean frontendSide) {
    if (kind == Kind.DEFAULTS && NOT_IN_DEFAULTS.contains(keyword)) {
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

  /**
   * The {@code log} targets in force: its {@code defaults} section's unless {@code no log}, the
   * {@code global} section's ({@code globalTargets}) with {@code log global}, and its own.
   */
  List<LogTarget> logTargets(List<LogTarget> globalTargets) {
    return logging.targets(
        defaults == null ? List.of() : defaults.logTargets(globalTargets), globalTargets);
  }

  /** The connection log's format in force ({@code option tcplog}, {@code log-format}), or {@code null}. */
  LogFormat logFormat() {
    return logging.format(defaults == null ? null : defaults.logging);
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

  /**
   * The line of the server that {@code message}, the builder's message about this backend, is
   * about ({@code backend 'bk': server 's1': observe layer4 requires check}), or {@code null}.
   */
  ConfigLine serverLine(String message) {
    for (ServerLine server : servers.values()) {
      if (message.startsWith("backend '" + name + "': server '" + server.name() + "': ")) {
        return server.line();
      }
    }
    return null;
  }

  /** Whether a {@code bind} line of this section has {@code transparent}. */
  boolean transparent() {
    return transparent;
  }

  /**
   * Whether the source in force here, its own or its {@code defaults} section's, is the client's
   * address ({@code usesrc}).
   */
  boolean usesrc() {
    return backendSettings.containsKey("source")
        ? usesrc
        : defaults != null && defaults.usesrc;
  }

  /** The {@code option splice-*} lines of this section, in order. */
  List<ConfigLine> spliceLines() {
    return List.copyOf(spliceLines);
  }

  /** The addresses of its {@code bind} lines and of its servers, as written. */
  List<String> addresses() {
    List<String> addresses = new ArrayList<>();
    for (ConfigLine bind : binds) {
      addresses.addAll(List.of(bind.word(1).split(",", -1)));
    }
    servers.values().forEach(server -> addresses.add(server.address()));
    return addresses;
  }

  /** Sets the frontend side in {@code frontend}; each refused value is an error at its line. */
  void applyTo(FrontendBuilder frontend, Diagnostics diagnostics) {
    if (transparent) {
      frontend.transparent();
    }
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
    KeepAliveLines keepAlive =
        clientKeepAlive.over(defaults == null ? null : defaults.clientKeepAlive);
    if (keepAlive.enabledAt() != null) {
      new Setting<FrontendBuilder>(keepAlive.enabledAt(), f -> f.clientKeepAlive(keepAlive.settings()))
          .applyTo(frontend, diagnostics);
    }
  }

  /** Sets the backend side and the servers in {@code backend}; each refused value is an error. */
  void applyTo(BackendBuilder backend, Diagnostics diagnostics) {
    Map<String, Setting<BackendBuilder>> settings = backendSettings();
    Setting<BackendBuilder> balance = settings.remove("balance");
    Setting<BackendBuilder> hashType = settings.remove("hash-type");
    settings.values().forEach(s -> s.applyTo(backend, diagnostics));
    if (balance != null) {
      boolean consistent = hashType != null && hashType.line().word(1).equals("consistent");
      Balance algorithm = Balance.named(balance.line().word(1));
      Balance chosen = consistent && algorithm.equals(Balance.source())
          ? Balance.sourceConsistent() : algorithm;
      new Setting<BackendBuilder>(balance.line(), b -> b.balance(chosen)).applyTo(backend, diagnostics);
    }
    CheckLines inherited = defaults == null ? null : defaults.checks;
    Check check = checks.check(inherited);
    if (check != null) {
      new Setting<BackendBuilder>(checks.optionLine(inherited), b -> b.check(check))
          .applyTo(backend, diagnostics);
    }
    KeepAliveLines keepAlive =
        serverKeepAlive.over(defaults == null ? null : defaults.serverKeepAlive);
    if (keepAlive.enabledAt() != null) {
      new Setting<BackendBuilder>(keepAlive.enabledAt(), b -> b.serverKeepAlive(keepAlive.settings()))
          .applyTo(backend, diagnostics);
    }
    if (stickTable != null) {
      new Setting<BackendBuilder>(stickTable.line(), b -> b.stickTable(stickTable::applyTo))
          .applyTo(backend, diagnostics);
    }
    if (stickMatch != null) {
      backend.stickMatchSource();
    }
    if (stickStore != null) {
      backend.stickStoreSource();
    }
    for (ServerLine server : servers.values()) {
      try {
        backend.server(server.name(), server.address(),
            s -> server.options().applyTo(s, server.name()));
      } catch (ConfigException e) {
        diagnostics.error(server.line(), e.getMessage());
      }
    }
  }

  /**
   * The timeouts HAProxy warns about here, missing or 0, by name (such as {@code connect}), with
   * the value Steelyard takes: its default for a missing one, {@link Duration#ZERO} (none, as in
   * HAProxy) for a 0.
   */
  Map<String, Duration> missingTimeouts() {
    Map<String, Duration> missing = new LinkedHashMap<>();
    if (kind.frontend) {
      missing(missing, "client", frontendSettings().get("timeout client"),
          DefaultsBuilder.CLIENT_TIMEOUT);
    }
    if (kind.backend) {
      Map<String, Setting<BackendBuilder>> settings = backendSettings();
      missing(missing, "connect", settings.get("timeout connect"), DefaultsBuilder.CONNECT_TIMEOUT);
      missing(missing, "server", settings.get("timeout server"), DefaultsBuilder.SERVER_TIMEOUT);
    }
    return missing;
  }

  /** Adds timeout {@code name} to {@code missing} when its setting is absent, or 0. */
  private static void missing(
      Map<String, Duration> missing, String name, Setting<?> setting, Duration fallback) {
    if (setting == null) {
      missing.put(name, fallback);
    } else if (ConfigValues.time("timeout " + name, setting.line().word(2)).isZero()) {
      missing.put(name, Duration.ZERO);
    }
  }
}
