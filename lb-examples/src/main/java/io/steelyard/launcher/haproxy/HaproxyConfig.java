package io.steelyard.launcher.haproxy;

import io.steelyard.launcher.ConfigFile;
import io.steelyard.launcher.ConfigFileException;
import io.steelyard.launcher.ConfigLine;
import io.steelyard.launcher.ConfigValues;
import io.steelyard.launcher.Diagnostics;
import io.steelyard.lb.Attachment;
import io.steelyard.lb.Balancer;
import io.steelyard.lb.BalancerBuilder;
import io.steelyard.lb.ConfigException;
import io.steelyard.lb.StartException;
import io.steelyard.lb.config.BalancerConfig;
import io.steelyard.lb.metrics.PrometheusExporter;
import io.steelyard.lb.transport.Splice;
import io.steelyard.lb.transport.Transport;
import io.steelyard.tproxy.RoutingRules;
import io.steelyard.tproxy.Tproxy;
import io.steelyard.tproxy.TproxyTransport;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An HAProxy configuration file in TCP mode, read into Steelyard's public builder: {@code global},
 * {@code defaults}, {@code frontend}, {@code backend}, {@code listen} and {@code peers} sections,
 * with the keywords that {@link GlobalSection}, {@link ProxySection}, {@link ServerLine}, {@link
 * ServerOptions}, {@link StickTableLine}, {@link PeersSection} and {@link Logging} describe.
 *
 * <p>The stick tables that name a {@code peers} section are replicated with its other balancers;
 * which of its peers is this balancer is the local peer name: the one given to {@link #read(List,
 * String)} (the launcher's {@code -L}), else {@code localpeer} in {@code global}, else the host
 * name ({@link LocalPeer}). So one file serves every balancer of the section.
 *
 * <pre>{@code
 * HaproxyConfig config = HaproxyConfig.read(List.of(Path.of("haproxy.cfg")));
 * config.notes().forEach(System.err::println);
 * Balancer lb = config.start();
 * }</pre>
 *
 * <p>Nothing is silently ignored: an unknown keyword, a keyword in the wrong section, a missing or
 * extra argument and a bad value are each an error naming the file, the line and the keyword in
 * HAProxy's words; settings that do not apply to Steelyard, and missing timeouts (where Steelyard
 * takes 5 s to connect and 50 s of client or server inactivity, where HAProxy would wait forever)
 * or timeouts of 0 (no timeout, as in HAProxy), are notes. Several files are read in order as one
 * configuration; each starts outside any section.
 */
public final class HaproxyConfig {
  private final GlobalSection global;
  private final List<ProxySection> proxies;
  private final List<PeersSection> peers;
  private final List<String> notes;
  private final Splice splice;

  private HaproxyConfig(GlobalSection global, List<ProxySection> proxies,
      List<PeersSection> peers, List<String> notes, Splice splice) {
    this.global = global;
    this.proxies = proxies;
    this.peers = peers;
    this.notes = notes;
    this.splice = splice;
  }

  /**
   * Reads {@code files} in order, each within the bounds of {@link ConfigFile}, the local peer
   * name being {@code localpeer}'s or the host name's.
   *
   * @throws ConfigFileException with every mistake of the files, or when a file cannot be read
   *     or has a NUL byte, a line over 64 KiB or more than 64 MiB
   */
  public static HaproxyConfig read(List<Path> files) {
    return read(files, null);
  }

  /**
   * Reads {@code files} in order, each within the bounds of {@link ConfigFile}.
   *
   * @param localPeer the local peer name, as HAProxy's {@code -L} gives it: this balancer is the
   *     peer of that name in each {@code peers} section, whatever {@code localpeer} says; {@code
   *     null} when not given, for {@code localpeer}'s or the host name
   * @throws ConfigFileException with every mistake of the files, or when a file cannot be read
   *     or has a NUL byte, a line over 64 KiB or more than 64 MiB
   */
  public static HaproxyConfig read(List<Path> files, String localPeer) {
    Reader reader = new Reader(localPeer);
    for (Path file : files) {
      reader.file(file.toString(), ConfigFile.open(file));
    }
    return reader.finish();
  }

  /** Reads the text of a file called {@code file}, as {@link #read} reads a file. */
  static HaproxyConfig parse(String file, String text) {
    return parse(file, text, null);
  }

  /**
   * Reads the text of a file called {@code file}, as {@link #read(List, String)} reads a file
   * with the local peer name {@code localPeer}.
   */
  static HaproxyConfig parse(String file, String text, String localPeer) {
    Reader reader = new Reader(localPeer);
    reader.file(file, text);
    return reader.finish();
  }

  /**
   * Whether the files proxy transparently, so need the TPROXY transport: a {@code bind ...
   * transparent} or a {@code source ... usesrc} line, which need CAP_NET_ADMIN and the routing
   * rules.
   */
  public boolean transparent() {
    return proxies.stream().anyMatch(p -> p.transparent() || p.hasBackend() && p.usesrc());
  }

  /**
   * The directions that the {@code option splice-*} lines of any section ask to splice, or {@code
   * null} when none does: splicing is a property of the epoll transport, so of the whole balancer.
   */
  public Splice splice() {
    return splice;
  }

  /** Whether a {@code bind} or {@code server} address is IPv6, so that the rules need IPv6 too. */
  public boolean ipv6() {
    return proxies.stream()
        .flatMap(p -> p.addresses().stream())
        .anyMatch(a -> a.startsWith("[") || a.indexOf(':') != a.lastIndexOf(':'));
  }

  /** The TPROXY routing rules for these files: IPv6 too when {@link #ipv6()}. */
  public RoutingRules routingRules() {
    RoutingRules.Builder rules = RoutingRules.builder();
    if (ipv6()) {
      rules.ipv6();
    }
    return rules.build();
  }

  /**
   * The TPROXY transport for these files, splicing what {@link #splice()} says.
   *
   * @param rules the routing rules that start checks, or {@code null} when they are managed
   *     outside Steelyard and not checked
   */
  public TproxyTransport tproxyTransport(RoutingRules rules) {
    TproxyTransport transport = rules == null ? Tproxy.transport() : Tproxy.transport(rules);
    return splice == null ? transport : transport.splice(splice);
  }

  /**
   * The transport for files that need no TPROXY: the best this machine has, less what {@code
   * nouring} and {@code noepoll} in {@code global}, or {@code noUring} and {@code noEpoll} from the
   * command line, turn off; splicing what {@link #splice()} says if it is epoll.
   */
  public TransportChoice plainTransport(boolean noUring, boolean noEpoll) {
    return global.transport(noUring, noEpoll, splice);
  }

  /** The notices and warnings, one a line, to print before running. */
  /**
   * What the file starts beside the balancer, which a reload does not change yet: the stats
   * sockets, the announcers and the Prometheus page's addresses, each as one line.
   */
  public List<String> services() {
    List<String> services = new ArrayList<>(global.statsSockets());
    services.addAll(global.announcers());
    for (ProxySection proxy : proxies) {
      if (proxy.prometheusExporter()) {
        services.add("prometheus-exporter on " + proxy.prometheusAddresses());
      }
    }
    return services;
  }

  public List<String> notes() {
    return notes;
  }

  /**
   * A builder set up as the files say, for a program that adds to it before it starts.
   *
   * @throws ConfigFileException when the builder refuses a value, with the value's line
   */
  public BalancerBuilder toBuilder() {
    Diagnostics diagnostics = new Diagnostics();
    BalancerBuilder builder = Balancer.builder();
    global.applyTo(builder, diagnostics);
    for (PeersSection section : peers) {
      try {
        builder.peers(section.name(), p -> section.applyTo(p, diagnostics));
      } catch (ConfigException e) {
        diagnostics.error(section.header(), e.getMessage());
      }
    }
    for (ProxySection proxy : proxies) {
      try {
        if (proxy.hasBackend()) {
          builder.backend(proxy.name(), b -> proxy.applyTo(b, diagnostics));
        }
        if (proxy.prometheusExporter()) {
          for (InetSocketAddress address : proxy.prometheusAddresses()) {
            builder.attach(PrometheusExporter.on(address));
          }
        } else if (proxy.kind().frontend) {
          SyslogSink log = new SyslogSink(proxy.logTargets(global.logTargets()), global.logTag());
          builder.frontend(proxy.name(), f -> {
            proxy.applyTo(f, diagnostics);
            if (log.sends()) {
              f.log(log);
              if (proxy.logFormat() != null) {
                f.logFormat(proxy.logFormat().toString());
              }
            }
          });
        }
      } catch (ConfigException e) {
        diagnostics.error(proxy.header(), e.getMessage());
      }
    }
    diagnostics.failOnErrors();
    return builder;
  }

  /**
   * The whole configuration, checked without binding anything: what {@code haproxy -c} does.
   *
   * @throws ConfigFileException for any mistake, with the line to blame
   */
  public BalancerConfig check() {
    BalancerBuilder builder = toBuilder();
    try {
      return builder.build();
    } catch (ConfigException e) {
      throw located(e);
    }
  }

  /**
   * Starts the balancer the files describe.
   *
   * @throws ConfigFileException for any mistake, with the line to blame
   * @throws StartException when a frontend cannot bind
   */
  public Balancer start() {
    return start(null);
  }

  /**
   * Starts the balancer the files describe on {@code transport}, or on the default one when it is
   * {@code null}.
   *
   * @throws ConfigFileException for any mistake, with the line to blame
   * @throws StartException when a frontend cannot bind, or the transport cannot be used
   */
  public Balancer start(Transport transport) {
    return start(transport, List.of());
  }

  /**
   * Starts the balancer the files describe on {@code transport} (the default one when it is
   * {@code null}), with {@code attachments} following it, such as the VRRP instances of a
   * keepalived.conf.
   *
   * @throws ConfigFileException for any mistake, with the line to blame
   * @throws StartException when a frontend cannot bind, the transport cannot be used, or an
   *     attachment cannot start
   */
  public Balancer start(Transport transport, List<? extends Attachment> attachments) {
    BalancerBuilder builder = toBuilder();
    if (transport != null) {
      builder.transport(transport);
    }
    attachments.forEach(builder::attach);
    try {
      return builder.start();
    } catch (ConfigException e) {
      throw located(e);
    }
  }

  /**
   * A mistake that only the whole picture shows, at the line of the declaration it is about: the
   * header of a backend without a server, the line of the server that the message names (one with
   * {@code observe layer4} but no {@code check}, say), the {@code default_backend} line that names
   * a backend that does not exist, else the header of the frontend (one without {@code bind}, say).
   */
  private ConfigFileException located(ConfigException e) {
    return Diagnostics.failure(blame(e), e.getMessage());
  }

  private ConfigLine blame(ConfigException e) {
    List<ProxySection> named = proxies.stream().filter(p -> p.name().equals(e.proxy())).toList();
    for (ProxySection proxy : named) {
      if (proxy.hasBackend() && !proxy.hasServers()) {
        return proxy.header();
      }
      ConfigLine server = proxy.hasBackend() ? proxy.serverLine(e.getMessage()) : null;
      if (server != null) {
        return server;
      }
    }
    for (ProxySection proxy : named) {
      if (proxy.kind().frontend) {
        ConfigLine defaultBackend = proxy.defaultBackendLine();
        return defaultBackend != null && !isBackend(defaultBackend.word(1))
            ? defaultBackend
            : proxy.header();
      }
    }
    return named.isEmpty() ? null : named.get(0).header();
  }

  private boolean isBackend(String name) {
    return proxies.stream().anyMatch(p -> p.hasBackend() && p.name().equals(name));
  }

  /** Reads files one after the other into sections, keeping every error. */
  private static final class Reader {
    private final Diagnostics diagnostics = new Diagnostics();
    private final LocalPeer localPeer;
    private final GlobalSection global;
    private final List<ProxySection> proxies = new ArrayList<>();
    private final Map<String, ProxySection> frontends = new LinkedHashMap<>();
    private final Map<String, ProxySection> backends = new LinkedHashMap<>();
    private final Map<String, PeersSection> peers = new LinkedHashMap<>();
    private ProxySection defaults;
    /** Every section but global and peers, in the order of the files, for the splice options. */
    private final List<ProxySection> sections = new ArrayList<>();
    private boolean inGlobal;
    private ProxySection section;
    private PeersSection peersSection;

    /** A reader whose local peer name is {@code localPeer}, or unset when it is {@code null}. */
    Reader(String localPeer) {
      this.localPeer = new LocalPeer(localPeer);
      this.global = new GlobalSection(this.localPeer);
    }

    void file(String file, String text) {
      inGlobal = false;
      section = null;
      peersSection = null;
      int number = 0;
      for (String raw : (Iterable<String>) text.lines()::iterator) {
        number++;
        ConfigLine line = null;
        try {
          line = ConfigLine.parse(file, number, raw);
          if (!line.isEmpty()) {
            line(line);
          }
        } catch (IllegalArgumentException e) {
          diagnostics.error(
              line == null ? new ConfigLine(file, number, List.of()) : line, e.getMessage());
        }
      }
    }

    private void line(ConfigLine line) {
      switch (line.keyword()) {
        case "global":
          line.expect(1, 0, "no argument");
          inGlobal = true;
          section = null;
          peersSection = null;
          return;
        case "defaults":
          inGlobal = false;
          peersSection = null;
          defaults = new ProxySection(ProxySection.Kind.DEFAULTS, "", line, null);
          sections.add(defaults);
          section = defaults;
          name(line, "defaults", false);
          return;
        case "frontend":
          open(line, ProxySection.Kind.FRONTEND);
          return;
        case "backend":
          open(line, ProxySection.Kind.BACKEND);
          return;
        case "listen":
          open(line, ProxySection.Kind.LISTEN);
          return;
        case "peers":
          openPeers(line);
          return;
        default:
          if (inGlobal) {
            global.parse(line, diagnostics);
          } else if (peersSection != null) {
            peersSection.parse(line);
          } else if (section != null) {
            section.parse(line, diagnostics);
          } else {
            throw new IllegalArgumentException(
                "unknown keyword '" + line.keyword() + "' out of section.");
          }
      }
    }

    /**
     * Opens a frontend, backend or listen section. One that cannot be registered (a bad or taken
     * name) is still read, so that the errors of its lines are found, but not kept.
     */
    private void open(ConfigLine line, ProxySection.Kind kind) {
      inGlobal = false;
      peersSection = null;
      ProxySection proxy =
          new ProxySection(kind, line.arguments() > 0 ? line.word(1) : "", line, defaults);
      section = proxy;
      sections.add(proxy);
      String name = name(line, kind.keyword, true);
      ProxySection taken = kind.frontend ? frontends.get(name) : null;
      if (taken == null && kind.backend) {
        taken = backends.get(name);
      }
      if (taken != null) {
        throw new IllegalArgumentException(
            proxy.title() + " has the same name as " + taken.title() + " declared at "
                + taken.header().place() + ".");
      }
      proxies.add(proxy);
      if (kind.frontend) {
        frontends.put(name, proxy);
      }
      if (kind.backend) {
        backends.put(name, proxy);
      }
    }

    /**
     * Opens a {@code peers} section, fixing the local peer name. One that cannot be registered (a
     * bad or taken name) is still read, so that the errors of its lines are found, but not kept.
     */
    private void openPeers(ConfigLine line) {
      inGlobal = false;
      section = null;
      String name = line.arguments() > 0 ? line.word(1) : "";
      peersSection = new PeersSection(name, line, localPeer.name(line), localPeer);
      if (name.isEmpty()) {
        throw new IllegalArgumentException("missing name for peers section.");
      }
      line.expect(1, 1, "a name");
      ConfigValues.name("'peers' name", name);
      PeersSection taken = peers.get(name);
      if (taken != null) {
        throw new IllegalArgumentException(
            "peers section '" + name + "' has the same name as another peers section declared at "
                + taken.header().place() + ".");
      }
      peers.put(name, peersSection);
    }

    /** The name a section header gives; {@code defaults} may have none. */
    private static String name(ConfigLine line, String keyword, boolean required) {
      if (line.arguments() >= 2 && line.word(2).equals("from")) {
        throw new IllegalArgumentException(
            "'from' is not supported by Steelyard: a section takes the settings of the last "
                + "'defaults' section before it.");
      }
      if (line.arguments() == 0 || line.word(1).isEmpty()) {
        if (required) {
          throw new IllegalArgumentException("'" + keyword + "' expects an <id> argument");
        }
        return "";
      }
      line.expect(1, 1, "an <id> argument");
      return ConfigValues.name("'" + keyword + "' name", line.word(1));
    }

    HaproxyConfig finish() {
      for (ProxySection proxy : proxies) {
        proxy.checkPrometheus(diagnostics);
        if (proxy.prometheusExporter()) {
          continue;
        }
        Map<String, Duration> missing = proxy.missingTimeouts();
        if (!missing.isEmpty()) {
          diagnostics.warning(proxy.header(), missingTimeouts(proxy, missing));
        }
        proxy.checkStickRules(diagnostics);
        if (proxy.kind().frontend && proxy.logFormat() == null
            && !proxy.logTargets(global.logTargets()).isEmpty()) {
          Logging.noFormat(proxy.header(), proxy.title(), diagnostics);
        }
        proxy.checkCheckRules(diagnostics);
        proxy.checkPeers(peers.keySet(), diagnostics);
      }
      peers.values().forEach(p -> p.check(diagnostics));
      Splice splice = splice();
      diagnostics.failOnErrors();
      return new HaproxyConfig(global, List.copyOf(proxies), List.copyOf(peers.values()),
          diagnostics.notes(), splice);
    }

    /**
     * The directions that the splice options of every section, defaults included, ask for
     * together, with a note at the first one that they apply to the whole balancer: {@link
     * Splice#AUTO} when every one is {@code splice-auto}; a {@code splice-request} or {@code
     * splice-response} beside it splices its direction whole, and the other whole too.
     */
    private Splice splice() {
      List<ConfigLine> lines = new ArrayList<>();
      sections.forEach(s -> lines.addAll(s.spliceLines()));
      if (lines.isEmpty()) {
        return null;
      }
      boolean request = false;
      boolean response = false;
      boolean auto = true;
      for (ConfigLine line : lines) {
        String option = line.word(line.words().indexOf("option") + 1);
        request |= !option.equals("splice-response");
        response |= !option.equals("splice-request");
        auto &= option.equals("splice-auto");
      }
      Splice splice = auto ? Splice.AUTO
          : request && response ? Splice.BOTH : request ? Splice.REQUEST : Splice.RESPONSE;
      diagnostics.notice(
          lines.get(0),
          "splicing is a property of Steelyard's epoll transport, one per balancer: the"
              + " 'option splice-*' lines of all sections together splice "
              + switch (splice) {
                case AUTO -> "both directions, each once a read fills a buffer,";
                case BOTH -> "both directions";
                case REQUEST -> "requests";
                case RESPONSE -> "responses";
              }
              + " of every connection, not only this section's");
      return splice;
    }

    /**
     * HAProxy's warning about timeouts missing or 0, with what Steelyard does instead: its
     * defaults for those missing, no timeout (as HAProxy) for those 0.
     */
    private static String missingTimeouts(ProxySection proxy, Map<String, Duration> missing) {
      List<String> quoted = new ArrayList<>();
      List<String> defaults = new ArrayList<>();
      List<String> none = new ArrayList<>();
      missing.forEach((timeout, value) -> {
        quoted.add("'" + timeout + "'");
        if (value.isZero()) {
          none.add(timeout + " 0");
        } else {
          defaults.add(timeout + " " + ConfigValues.format(value));
        }
      });
      String uses = defaults.isEmpty() ? "" : "uses its defaults (" + String.join(", ", defaults)
          + ")";
      String waits = none.isEmpty() ? "" : "waits forever where the timeout is 0 ("
          + String.join(", ", none) + "), as HAProxy does";
      return "missing timeouts for " + proxy.title() + " (" + String.join(", ", quoted)
          + "); Steelyard " + uses + (uses.isEmpty() || waits.isEmpty() ? "" : " and ") + waits;
    }
  }
}
