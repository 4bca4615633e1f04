package io.steelyard.launcher.haproxy;

import io.steelyard.launcher.ConfigLine;
import io.steelyard.launcher.ConfigValues;
import io.steelyard.launcher.Diagnostics;
import io.steelyard.lb.PeersBuilder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code peers NAME} section: the balancers that replicate the stick tables naming it ({@code
 * stick-table ... peers NAME}, see {@link StickTableLine}) with each other, on HAProxy's peers
 * protocol. One of them is this balancer, the peer whose name is the local peer name ({@code -L},
 * {@code localpeer} or the host name, see {@link LocalPeer}): it listens at its address for the
 * others, which it connects to at theirs. So one file serves every balancer of the section, each
 * started with its own name.
 *
 * <ul>
 *   <li>{@code peer NAME ADDR:PORT}: a peer and where it listens; the local one's is where this
 *       balancer listens.
 *   <li>HAProxy's other form: {@code bind ADDR:PORT} is where this balancer listens, and {@code
 *       server NAME ADDR:PORT} is another peer; the local peer is the {@code server NAME} line
 *       without an address whose name is the local name, and it takes the {@code bind} address.
 *       A section has one {@code bind} line, and {@code peer} and {@code bind} lines do not mix
 *       (both as in HAProxy); {@code server} lines go with either.
 * </ul>
 *
 * <p>{@code ADDR} is an IPv4 or an IPv6 address ({@code [::1]:10000} or {@code ::1:10000}): where
 * HAProxy would resolve a host name, the launcher refuses it, so that checking a file sends
 * nothing over the network; a wildcard ({@code *:10000}, {@code :10000}) is refused too, for a
 * peer listens and is reached at one address. Names take letters, digits and {@code .:_-}, and are
 * unique in their section (HAProxy takes a remote peer twice, and connects to it twice). Options
 * after an address are errors.
 *
 * <p><b>TLS.</b> The protocol has no authentication of its own. {@code default-bind ssl crt PEM
 * ca-file CA verify required} and {@code default-server} with the same words put every session of
 * the section on TLS, both sides authenticated: HAProxy's lines for a section whose listener and
 * connections use TLS. Steelyard takes them together and alike (one certificate per balancer,
 * presented both ways, and peers accepted only with a certificate the CA signed): one without the
 * other, different files, {@code verify none} or another option are errors. Without them, the
 * peers' port should be reachable from their network only.
 *
 * <p>A section without a peer of the local name is an error at its header, naming the local name
 * and where it comes from: HAProxy removes such a section with a warning, and the tables that
 * name it are then not replicated, which is not what a file with a {@code peers} section means.
 * HAProxy's other keywords of the section ({@code disabled}, {@code enabled}, {@code table},
 * {@code log}) are errors, as are unknown
 * ones.
 */
final class PeersSection {
  /**
   * A {@code default-bind} or {@code default-server} line of TLS options.
   *
   * @param certificate the {@code crt} file: the balancer's certificate chain and key
   * @param ca the {@code ca-file}: the CA that signs the peers' certificates
   */
  private record TlsLine(ConfigLine line, String certificate, String ca) {}

  /** HAProxy's keywords of a peers section that Steelyard does not take, with the reason. */
  private static final Map<String, String> NOT_SUPPORTED = Map.of(
      "disabled", "a section replicates the tables that name it; remove their 'peers' option",
      "enabled", "a section replicates the tables that name it",
      "table", "declare the table in its backend, with 'stick-table ... peers <name>'",
      "log", "it logs through SLF4J, set up by the application");

  /**
   * A peer of the section.
   *
   * @param address {@code ADDR:PORT} as the builder takes it, or {@code null} for the local peer
   *     of a {@code server} line, which listens at the {@code bind} address
   */
  private record Peer(ConfigLine line, String name, String address) {}

  private final String name;
  private final ConfigLine header;
  private final String localName;
  private final LocalPeer localPeer;
  private final Map<String, Peer> peers = new LinkedHashMap<>();
  private ConfigLine peerLine;
  private ConfigLine bind;
  private String bindAddress;
  private TlsLine defaultBind;
  private TlsLine defaultServer;

  /**
   * A section opened by {@code header}.
   *
   * @param localName the local peer name, which {@code localPeer} gives
   */
  PeersSection(String name, ConfigLine header, String localName, LocalPeer localPeer) {
    this.name = name;
    this.header = header;
    this.localName = localName;
    this.localPeer = localPeer;
  }

  String name() {
    return name;
  }

  ConfigLine header() {
    return header;
  }

  /** Reads one line of the section; an error is thrown. */
  void parse(ConfigLine line) {
    String keyword = line.keyword();
    switch (keyword) {
      case "peer":
        if (bind != null) {
          throw new IllegalArgumentException("mixing \"peer\" and \"bind\" line is forbidden");
        }
        if (peerLine == null) {
          peerLine = line;
        }
        peer(line);
        break;
      case "server":
        peer(line);
        break;
      case "bind":
        bind(line);
        break;
      case "default-bind":
        defaultBind = tls(line, defaultBind);
        break;
      case "default-server":
        defaultServer = tls(line, defaultServer);
        break;
      default:
        if (NOT_SUPPORTED.containsKey(keyword)) {
          throw new IllegalArgumentException(
              "'" + keyword + "' is not supported by Steelyard in 'peers' section ("
                  + NOT_SUPPORTED.get(keyword) + ").");
        }
        if (GlobalSection.KEYWORDS.contains(keyword)) {
          throw new IllegalArgumentException(
              "'" + keyword + "' is only supported in the 'global' section by Steelyard");
        }
        throw new IllegalArgumentException("unknown keyword '" + keyword + "' in 'peers' section");
    }
  }

  /** Reads a {@code peer NAME ADDR:PORT} or {@code server NAME [ADDR:PORT]} line. */
  private void peer(ConfigLine line) {
    String keyword = line.keyword();
    boolean server = keyword.equals("server");
    if (line.arguments() < (server ? 1 : 2)) {
      throw new IllegalArgumentException(
          "'" + keyword + "' expects <name>" + (server ? " [<addr>:<port>]" : " and <addr>:<port>")
              + " as arguments.");
    }
    String peer = ConfigValues.name("peer name", line.word(1));
    String what = "'" + keyword + " " + peer + "' : ";
    boolean local = peer.equals(localName);
    Peer taken = peers.get(peer);
    if (taken != null) {
      throw new IllegalArgumentException(
          what + (local ? "local " : "") + "peer name already referenced at "
              + taken.line().place() + ".");
    }
    String address = null;
    if (server && local) {
      if (line.arguments() > 1) {
        throw new IllegalArgumentException(
            what + "no address was expected for the local peer, which listens at the 'bind'"
                + " address (got '" + line.word(2) + "').");
      }
    } else if (line.arguments() < 2) {
      throw new IllegalArgumentException(
          what + "a peer other than the local one ('" + localName + "', " + localPeer.origin()
              + ") needs its <addr>:<port>.");
    } else {
      address = address(what, line.word(2));
      noOptions(what, line, 3);
    }
    peers.put(peer, new Peer(line, peer, address));
  }

  /** Reads the {@code bind ADDR:PORT} line: where the local peer of a {@code server} listens. */
  private void bind(ConfigLine line) {
    if (peerLine != null) {
      throw new IllegalArgumentException("mixing \"peer\" and \"bind\" line is forbidden");
    }
    if (bind != null) {
      throw new IllegalArgumentException(
          "One listener per \"peers\" section is authorized but another is already configured at ["
              + bind.place() + "].");
    }
    if (line.arguments() < 1) {
      throw new IllegalArgumentException("'bind' expects <addr>:<port> as an argument.");
    }
    String what = "'bind " + line.word(1) + "' : ";
    bindAddress = address(what, line.word(1));
    noOptions(what, line, 2);
    bind = line;
  }

  /** Refuses the words of {@code line} from {@code from} on: options after an address. */
  private static void noOptions(String what, ConfigLine line, int from) {
    if (line.words().size() > from) {
      throw new IllegalArgumentException(
          what + "'" + line.word(from) + "' is not supported by Steelyard in 'peers' section (a"
              + " peer takes a name and an address only; TLS is the section's, on its"
              + " 'default-bind' and 'default-server' lines).");
    }
  }

  /** Reads a {@code default-bind|default-server ssl crt PEM ca-file CA verify required} line. */
  private static TlsLine tls(ConfigLine line, TlsLine before) {
    String keyword = line.keyword();
    if (before != null) {
      throw new IllegalArgumentException(
          "'" + keyword + "' already given at " + before.line().place() + ".");
    }
    boolean ssl = false;
    String certificate = null;
    String ca = null;
    String verify = null;
    for (int i = 1; i < line.words().size(); i++) {
      String option = line.word(i);
      switch (option) {
        case "ssl" -> ssl = true;
        case "crt" -> certificate = value(line, ++i);
        case "ca-file" -> ca = value(line, ++i);
        case "verify" -> verify = value(line, ++i);
        default -> throw new IllegalArgumentException(
            "'" + keyword + "' : '" + option + "' is not supported by Steelyard in 'peers' section"
                + " (it takes 'ssl crt <pem> ca-file <ca> verify required').");
      }
    }
    if (!ssl || certificate == null || ca == null || !"required".equals(verify)) {
      throw new IllegalArgumentException(
          "'" + keyword + "' : Steelyard's peers take TLS authenticated both ways: 'ssl crt <pem>"
              + " ca-file <ca> verify required', all of them.");
    }
    return new TlsLine(line, certificate, ca);
  }

  private static String value(ConfigLine line, int i) {
    if (i >= line.words().size()) {
      throw new IllegalArgumentException(
          "'" + line.keyword() + "' : '" + line.word(i - 1) + "' expects an argument.");
    }
    return line.word(i);
  }

  /**
   * Checks {@code word}, an {@code ADDR:PORT} of the line that {@code what} names, in HAProxy's
   * words: an IPv4 or IPv6 address, no host name, no wildcard, and a port of 1 to 65535.
   *
   * @return the address as the builder takes it: {@code v4:port} or {@code [v6]:port}
   */
  private static String address(String what, String word) {
    String host;
    String port;
    int close = word.indexOf(']');
    if (word.startsWith("[") && close > 0) {
      host = word.substring(1, close);
      port = close + 1 < word.length() && word.charAt(close + 1) == ':'
          ? word.substring(close + 2)
          : "";
    } else {
      int colon = word.lastIndexOf(':');
      host = colon < 0 ? word : word.substring(0, colon);
      port = colon < 0 ? "" : word.substring(colon + 1);
    }
    if (port.isEmpty()) {
      throw new IllegalArgumentException(what + "missing port specification in '" + word + "'");
    }
    if (port.indexOf('-') > 0) {
      throw new IllegalArgumentException(what + "port range not permitted here in '" + word + "'");
    }
    for (char c : port.toCharArray()) {
      if (c < '0' || c > '9') {
        throw new IllegalArgumentException(
            what + "invalid character '" + c + "' in port number '" + port + "' in '" + word + "'");
      }
    }
    if (port.length() > 5 || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
      throw new IllegalArgumentException(what + "invalid port '" + port + "'");
    }
    if (host.isEmpty() || host.equals("*")) {
      throw new IllegalArgumentException(
          what + "no address in '" + word + "' (a peer listens and is reached at one IPv4 or"
              + " IPv6 address, not at any).");
    }
    if (!ConfigValues.isIpAddress(host)) {
      throw new IllegalArgumentException(
          what + "invalid address: '" + host + "' in '" + word + "' (Steelyard takes an IPv4 or"
              + " IPv6 address; it resolves no host name)");
    }
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }

  /**
   * Reports what only the whole section shows: no peer of the local name, at the header; a local
   * peer of a {@code server} line without a {@code bind} line, at that line.
   */
  void check(Diagnostics diagnostics) {
    TlsLine one = defaultBind == null ? defaultServer : defaultBind;
    if ((defaultBind == null) != (defaultServer == null)) {
      diagnostics.error(one.line(), "'" + one.line().keyword() + "' without '"
          + (defaultBind == null ? "default-bind" : "default-server") + "': Steelyard's peers"
          + " take TLS on both sides of every session, from the same 'ssl crt <pem> ca-file <ca>"
          + " verify required' on both lines.");
    } else if (one != null && (!defaultBind.certificate().equals(defaultServer.certificate())
        || !defaultBind.ca().equals(defaultServer.ca()))) {
      diagnostics.error(defaultServer.line(), "'default-server' : its 'crt' and 'ca-file' must be"
          + " those of 'default-bind' at " + defaultBind.line().place() + ": Steelyard presents"
          + " one certificate both ways and trusts one CA.");
    }
    Peer local = peers.get(localName);
    if (local == null) {
      diagnostics.error(
          header,
          "peers section '" + name + "' has no peer named '" + localName + "', the local peer name"
              + " (" + localPeer.origin() + "): one of its peers must be this balancer (HAProxy"
              + " removes the section with a warning, and does not replicate the tables that name"
              + " it).");
    } else if (local.address() == null && bind == null) {
      diagnostics.error(
          local.line(),
          "'server " + localName + "' : the local peer has no address: a 'bind <addr>:<port>'"
              + " line in peers section '" + name + "' gives where it listens.");
    }
  }

  /**
   * Sets the peers in {@code section}, the local one with {@code local}, the others with {@code
   * peer}, in the order of their lines; each refused value is an error at its line.
   */
  void applyTo(PeersBuilder section, Diagnostics diagnostics) {
    if (defaultBind != null && defaultServer != null) {
      new Setting<PeersBuilder>(defaultBind.line(),
          p -> p.tls(Path.of(defaultBind.certificate()), Path.of(defaultBind.ca())))
          .applyTo(section, diagnostics);
    }
    for (Peer peer : peers.values()) {
      if (peer.name().equals(localName)) {
        String address = peer.address() == null ? bindAddress : peer.address();
        new Setting<PeersBuilder>(peer.line(), p -> p.local(peer.name(), address))
            .applyTo(section, diagnostics);
      } else {
        new Setting<PeersBuilder>(peer.line(), p -> p.peer(peer.name(), peer.address()))
            .applyTo(section, diagnostics);
      }
    }
  }
}
