package io.steelyard.launcher.haproxy;

import io.steelyard.launcher.ConfigLine;
import io.steelyard.launcher.ConfigValues;
import io.steelyard.launcher.Diagnostics;
import io.steelyard.lb.BalancerBuilder;
import io.steelyard.lb.announce.RouteAnnouncer;
import io.steelyard.lb.transport.Splice;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code global} section: settings of the whole process.
 *
 * <p>{@code maxconn N} is the most connections over all frontends together. {@code stats socket}
 * opens HAProxy's runtime API ({@link StatsSocketLine}); {@code stats timeout} is the idle timeout
 * of its connections (10 s when not set) and {@code stats maxconn} the most clients it serves at
 * once (10), for every socket wherever the lines stand, as in HAProxy. HAProxy's process settings
 * that have no meaning for a library inside a JVM ({@code log}, {@code chroot}, {@code user},
 * {@code group}, {@code daemon}) are accepted so that an existing file runs, each with a notice
 * saying why it does not apply; their arguments are still checked ({@code log}: see {@link
 * Logging}). {@code noepoll} (HAProxy's) and {@code nouring} (Steelyard's: HAProxy has no
 * io_uring) turn those transports off ({@link TransportChoice}). {@code localpeer NAME} is the
 * name of this balancer in the {@code peers} sections, unless {@code -L} gives it, and only
 * before the first of them, as in HAProxy ({@link LocalPeer}).
 *
 * <p>{@code steelyard-announce <vip> bird <control-socket> <protocol>} and {@code
 * steelyard-announce <vip> exabgp <pipe-directory>} are Steelyard's, not HAProxy's: while the
 * balancer is healthy, a route to the VIP is announced by BGP, and withdrawn when it is not, when
 * the balancer stops and when the JVM does ({@link RouteAnnouncer}). With {@code bird}, BIRD's
 * protocol {@code <protocol>} (a static route to the VIP that its BGP sessions export) is enabled
 * and disabled through BIRD's control socket; with {@code exabgp}, ExaBGP announces and withdraws
 * {@code <vip>/32} (or {@code /128}) with next-hop self, told through its command pipes {@code
 * exabgp.in} and {@code exabgp.out} in {@code <pipe-directory>}. The VIP must be on an interface
 * of the host ({@code lo}) when it starts.
 */
final class GlobalSection {
  /** The keywords of this section, to tell a keyword in the wrong section from an unknown one. */
  static final Set<String> KEYWORDS =
      Set.of(
          "maxconn", "log", "log-tag", "chroot", "user", "group", "daemon", "stats", "noepoll", "nouring",
          "localpeer", "steelyard-announce");

  private final LocalPeer localPeer;

  private Setting<BalancerBuilder> maxConn;
  private final List<StatsSocketLine> statsSockets = new ArrayList<>();
  /** A {@code steelyard-announce} line and its announcer. */
  private record Announce(ConfigLine line, RouteAnnouncer announcer) {}

  private final List<Announce> announcers = new ArrayList<>();
  private Duration statsTimeout;
  private Integer statsMaxConn;
  private boolean noEpoll;
  private boolean noUring;
  private final Logging logging = new Logging();
  private String logTag = "steelyard";

  /** The section, whose {@code localpeer} lines set {@code localPeer}. */
  GlobalSection(LocalPeer localPeer) {
    this.localPeer = localPeer;
  }

  /** Reads one line of the section; an error is thrown, notes go to {@code diagnostics}. */
  void parse(ConfigLine line, Diagnostics diagnostics) {
    switch (line.keyword()) {
      case "maxconn":
        line.expect(1, 1, "an integer argument");
        int value = ConfigValues.integer("maxconn", line.word(1));
        if (maxConn != null) {
          diagnostics.warning(
              line,
              "'maxconn' already specified at line " + maxConn.line().number()
                  + "; the last one applies");
        }
        maxConn = new Setting<>(line, b -> b.maxConn(value));
        break;
      case "log":
        logging.log(line, true);
        break;
      case "log-tag":
        line.expect(1, 1, "a tag as an argument");
        logTag = line.word(1);
        break;
      case "chroot":
        line.expect(1, 1, "a directory as an argument");
        diagnostics.ignored(line, "'chroot'", "a JVM cannot change its root directory");
        break;
      case "user":
      case "group":
        line.expect(1, 1, "a " + line.keyword() + " name as an argument");
        diagnostics.ignored(
            line, "'" + line.keyword() + "'", "it runs as the user who started the JVM");
        break;
      case "daemon":
        line.expect(1, 0, "no argument");
        diagnostics.ignored(line, "'daemon'", "runs in the foreground of its JVM");
        break;
      case "stats":
        stats(line);
        break;
      case "noepoll":
        line.expect(1, 0, "no argument");
        noEpoll = true;
        break;
      case "nouring":
        line.expect(1, 0, "no argument");
        noUring = true;
        break;
      case "localpeer":
        localPeer.localpeer(line, diagnostics);
        break;
      case "steelyard-announce":
        announce(line);
        break;
      default:
        throw new IllegalArgumentException(
            "unknown keyword '" + line.keyword() + "' in 'global' section");
    }
  }

  private void announce(ConfigLine line) {
    int arguments = line.arguments();
    String daemon = arguments < 2 ? "" : line.word(2);
    if (arguments != (daemon.equals("exabgp") ? 3 : 4)) {
      throw new IllegalArgumentException("'steelyard-announce' expects <vip> bird <control-socket>"
          + " <protocol>, or <vip> exabgp <pipe-directory>.");
    }
    String vip = line.word(1);
    if (!ConfigValues.isIpAddress(vip)) {
      throw new IllegalArgumentException("'steelyard-announce': '" + vip + "' is not an IP address");
    }
    InetAddress address = ConfigValues.ipAddress("steelyard-announce", vip);
    RouteAnnouncer announcer;
    switch (daemon) {
      case "bird":
        announcer = RouteAnnouncer.bird(absolute(line.word(3), "BIRD's control socket",
            "/run/bird/bird.ctl"), line.word(4)).forAddress(address);
        break;
      case "exabgp":
        announcer = RouteAnnouncer.exabgp(absolute(line.word(3), "ExaBGP's pipe directory",
            "/run/exabgp"), address);
        break;
      default:
        throw new IllegalArgumentException("'steelyard-announce': routing daemon '" + daemon
            + "' is not supported (Steelyard announces through BIRD 2, 'bird', or ExaBGP 4,"
            + " 'exabgp')");
    }
    announcers.add(new Announce(line, announcer));
  }

  private static Path absolute(String path, String what, String example) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("'steelyard-announce': " + what + " must be an absolute"
          + " path, such as " + example + ": '" + path + "'");
    }
    return Path.of(path);
  }

  private void stats(ConfigLine line) {
    String what = line.arguments() == 0 ? "" : line.word(1);
    switch (what) {
      case "socket":
        statsSockets.add(StatsSocketLine.parse(line));
        break;
      case "timeout":
        line.expect(2, 1, "a time as an argument");
        statsTimeout = ConfigValues.time("stats timeout", line.word(2));
        if (statsTimeout.isZero()) {
          throw new IllegalArgumentException("'stats timeout' expects a positive value");
        }
        break;
      case "maxconn":
        line.expect(2, 1, "a positive value");
        int value = ConfigValues.integer("stats maxconn", line.word(2));
        if (value < 1) {
          throw new IllegalArgumentException("'stats maxconn' expects a positive value");
        }
        statsMaxConn = value;
        break;
      default:
        throw new IllegalArgumentException(
            "'stats' only supports 'socket', 'maxconn' and 'timeout' in Steelyard"
                + (what.isEmpty() ? "." : " (got '" + what + "')."));
    }
  }

  /**
   * The transport without TPROXY, less what these lines or the command line turn off, splicing
   * {@code splice} (or nothing when {@code null}) where it can.
   */
  TransportChoice transport(boolean noUring, boolean noEpoll, Splice splice) {
    return TransportChoice.of(noUring || this.noUring, noEpoll || this.noEpoll, splice);
  }

  /** The {@code log} targets of {@code global}, for the sections with {@code log global}. */
  List<LogTarget> logTargets() {
    return logging.own();
  }

  /** The program name of the syslog header ({@code log-tag}), {@code steelyard} by default. */
  String logTag() {
    return logTag;
  }

  /**
   * The stats sockets as they are started, without where they are written: {@code stats socket
   * /run/steelyard.sock mode 600 level admin timeout PT10S maxconn 10} (with the {@code stats
   * timeout} and {@code stats maxconn} lines, when given).
   */
  /** The {@code steelyard-announce} lines, each as it is written without where. */
  List<String> announcers() {
    return announcers.stream().map(a -> String.join(" ", a.line().words())).toList();
  }

  List<String> statsSockets() {
    List<String> sockets = new ArrayList<>();
    for (StatsSocketLine socket : statsSockets) {
      List<String> words = socket.line().words();
      sockets.add("stats socket " + String.join(" ", words.subList(2, words.size()))
          + (statsTimeout == null ? "" : " timeout " + statsTimeout)
          + (statsMaxConn == null ? "" : " maxconn " + statsMaxConn));
    }
    return sockets;
  }

  /** Sets the balancer's process-wide limits and attaches the stats sockets. */
  void applyTo(BalancerBuilder builder, Diagnostics diagnostics) {
    if (maxConn != null) {
      maxConn.applyTo(builder, diagnostics);
    }
    for (StatsSocketLine socket : statsSockets) {
      builder.attach(socket.toSocket(statsTimeout, statsMaxConn));
    }
    for (Announce announce : announcers) {
      builder.attach(announce.announcer());
    }
  }
}
