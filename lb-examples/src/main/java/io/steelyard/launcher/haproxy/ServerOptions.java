package io.steelyard.launcher.haproxy;

import io.steelyard.launcher.ConfigLine;
import io.steelyard.launcher.ConfigValues;
import io.steelyard.lb.ServerBuilder;
import io.steelyard.lb.health.AgentCheck;
import io.steelyard.lb.health.CheckTls;
import io.steelyard.lb.health.OnError;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The options of a {@code server} or {@code default-server} line, with HAProxy's meaning and
 * defaults.
 *
 * <ul>
 *   <li>{@code id N}: the server's number in its backend, HAProxy's (the stats' {@code sid}, the
 *       {@code server_id} of stick tables and peers), unique there; servers without one take the
 *       smallest free numbers in order.
 *   <li>{@code weight N} (0 to 256, default 1): the server's share of connections; {@code maxconn
 *       N} (0, the default, for none): the most it takes at once, further clients waiting in a
 *       queue; {@code maxqueue N} (0 for none): the most clients waiting for it, beyond which a
 *       client goes to another server; {@code backup}: it takes connections only when no other
 *       server can.
 *   <li>{@code check}: a TCP connection checks the server every {@code inter T} (2 s), every
 *       {@code fastinter T} while it changes state and every {@code downinter T} while it is down
 *       (both {@code inter} by default); {@code rise N} (2) passed checks in a row bring it up,
 *       {@code fall N} (3) failed ones take it down. A server without {@code check} is always up,
 *       and its {@code inter}, {@code rise}, ... have no effect, as in HAProxy.
 *   <li>{@code observe layer4} (needs {@code check}): failed live connections count too; after
 *       {@code error-limit N} (10) in a row, {@code on-error} applies: {@code fastinter} (the
 *       default: check sooner), {@code fail-check} (count a failed check), {@code sudden-death}
 *       (one more failure takes it down) or {@code mark-down} (down at once). {@code observe none}
 *       turns it off; {@code observe layer7} is HTTP's and an error.
 *   <li>{@code on-marked-down shutdown-sessions} (needs {@code check}): closes the server's
 *       connections when it goes down.
 *   <li>{@code port N}, {@code addr IP}: where checks connect, rather than the server's port and
 *       address; {@code check-send-proxy}: checks start with a PROXY protocol line; {@code check-ssl}, {@code verify none|required}, {@code ca-file FILE}, {@code
 *       check-sni NAME}: checks over TLS, see {@link CheckTlsOptions}. Like {@code inter}, they
 *       have no effect on a server without {@code check}.
 *   <li>{@code agent-check}, {@code agent-port}, {@code agent-addr}, {@code agent-inter}, {@code
 *       agent-send}: an agent beside the server steers it, see {@link AgentOptions}.
 * </ul>
 *
 * <p>HAProxy's other server keywords are errors until Steelyard has them. An option given twice
 * on one line is the builder's error, where HAProxy keeps the last.
 *
 * <p>{@code default-server OPTIONS} sets the options of the servers that follow it in its section,
 * and in the sections after it when it is in a {@code defaults} section; a server's own option wins
 * over it, and a later {@code default-server} line adds to and overrides an earlier one, as in
 * HAProxy. A server takes the {@code default-server} lines before it only.
 */
final class ServerOptions {
  /** No option: what a section starts from when no {@code defaults} section gives any. */
  static final ServerOptions NONE = new ServerOptions(List.of());

  private static final Set<String> FLAGS =
      Set.of("backup", "check", "check-ssl", "check-send-proxy", "agent-check");

  /** The options that together say how checks make TLS connections. */
  private static final Set<String> TLS = Set.of("check-ssl", "verify", "ca-file", "check-sni");

  /** The options that together say how an agent is asked ({@code port} is also a call's). */
  private static final Set<String> AGENT =
      Set.of("agent-check", "agent-port", "agent-addr", "agent-inter", "agent-send");

  /**
   * One option.
   *
   * @param keyword how it is written, such as {@code inter}: an option of a server line replaces
   *     the default-server option of the same keyword
   * @param value its argument, empty for a flag
   * @param call the builder call that sets it, or {@code null} for a TLS or agent option, which
   *     {@link CheckTlsOptions} or {@link AgentOptions} reads with the others
   */
  private record Option(String keyword, String value, Consumer<ServerBuilder> call) {}

  private final List<Option> options;

  private ServerOptions(List<Option> options) {
    this.options = options;
  }

  /**
   * Parses the words of {@code line} from word {@code from} on.
   *
   * @param where what starts each error message, such as {@code 'server bk/s1' : }
   */
  static ServerOptions parse(ConfigLine line, int from, String where) {
    List<Option> options = new ArrayList<>();
    for (int i = from; i < line.words().size(); i++) {
      String keyword = line.word(i);
      try {
        Consumer<ServerBuilder> call =
            TLS.contains(keyword) || AGENT.contains(keyword) ? null : call(line, i, keyword);
        String value = FLAGS.contains(keyword) ? "" : argument(line, i);
        if (call == null && !FLAGS.contains(keyword) && value.isEmpty()) {
          throw new IllegalArgumentException("'" + keyword + "' expects an argument.");
        }
        options.add(new Option(keyword, value, call));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + e.getMessage(), e);
      }
      if (!FLAGS.contains(keyword)) {
        i++;
      }
    }
    return new ServerOptions(List.copyOf(options));
  }

  /** The builder call of {@code keyword}, word {@code at} of {@code line}, and its argument. */
  private static Consumer<ServerBuilder> call(ConfigLine line, int at, String keyword) {
    switch (keyword) {
      case "backup":
        return ServerBuilder::backup;
      case "check":
        return ServerBuilder::check;
      case "weight":
        int weight = count(line, at);
        return s -> s.weight(weight);
      case "maxconn":
        int maxConn = count(line, at);
        return s -> s.maxConn(maxConn);
      case "maxqueue":
        int maxQueue = count(line, at);
        return s -> s.maxQueue(maxQueue);
      case "rise":
        int rise = count(line, at);
        return s -> s.rise(rise);
      case "fall":
        int fall = count(line, at);
        return s -> s.fall(fall);
      case "error-limit":
        int errorLimit = count(line, at);
        return s -> s.errorLimit(errorLimit);
      case "inter":
        Duration inter = delay(line, at);
        return s -> s.inter(inter);
      case "fastinter":
        Duration fastInter = delay(line, at);
        return s -> s.fastInter(fastInter);
      case "downinter":
        Duration downInter = delay(line, at);
        return s -> s.downInter(downInter);
      case "observe":
        return observe(line, at);
      case "on-error":
        OnError onError = OnError.of(argument(line, at));
        return s -> s.onError(onError);
      case "id":
        int id = count(line, at);
        return s -> s.id(id);
      case "check-send-proxy":
        return ServerBuilder::checkSendProxy;
      case "port":
        int port = count(line, at);
        return s -> s.checkPort(port);
      case "addr":
        InetAddress address = ConfigValues.ipAddress("addr", argument(line, at));
        return s -> s.checkAddress(address);
      case "on-marked-down":
        if (!argument(line, at).equals("shutdown-sessions")) {
          throw new IllegalArgumentException(
              "'on-marked-down' expects 'shutdown-sessions' but got '" + argument(line, at)
                  + "'.");
        }
        return ServerBuilder::onMarkedDownShutdownSessions;
      default:
        throw new IllegalArgumentException(
            "unknown keyword '" + keyword + "' (Steelyard supports id, weight, maxconn, maxqueue,"
                + " backup, check, inter, fastinter, downinter, rise, fall, observe, error-limit,"
                + " on-error, on-marked-down, port, addr, check-ssl, check-sni, check-send-proxy,"
                + " verify, ca-file, agent-check, agent-port, agent-addr, agent-inter and"
                + " agent-send).");
    }
  }

  private static Consumer<ServerBuilder> observe(ConfigLine line, int at) {
    switch (argument(line, at)) {
      case "":
        throw new IllegalArgumentException("'observe' expects <mode> as argument.");
      case "layer4":
        return ServerBuilder::observeLayer4;
      case "none":
        return s -> {};
      case "layer7":
        throw new IllegalArgumentException(
            "'layer7' can only be used in http proxies: Steelyard balances TCP connections only"
                + " (use 'observe layer4').");
      default:
        throw new IllegalArgumentException(
            "'observe' expects one of 'none', 'layer4', 'layer7' but got '" + argument(line, at)
                + "'.");
    }
  }

  /** The word after {@code at}, or an empty one at the end of the line, as HAProxy reads it. */
  private static String argument(ConfigLine line, int at) {
    return at + 1 < line.words().size() ? line.word(at + 1) : "";
  }

  private static int count(ConfigLine line, int at) {
    if (argument(line, at).isEmpty()) {
      throw new IllegalArgumentException("'" + line.word(at) + "' expects an integer argument.");
    }
    return ConfigValues.integer(line.word(at), argument(line, at));
  }

  private static Duration delay(ConfigLine line, int at) {
    if (argument(line, at).isEmpty()) {
      throw new IllegalArgumentException("'" + line.word(at) + "' expects a delay as argument.");
    }
    return ConfigValues.time(line.word(at), argument(line, at));
  }

  /**
   * These options over {@code defaults}: each option of {@code defaults} whose keyword these do
   * not have, then these.
   */
  ServerOptions over(ServerOptions defaults) {
    Set<String> own = options.stream().map(Option::keyword).collect(Collectors.toSet());
    List<Option> merged = new ArrayList<>();
    for (Option option : defaults.options) {
      if (!own.contains(option.keyword())) {
        merged.add(option);
      }
    }
    merged.addAll(options);
    return new ServerOptions(List.copyOf(merged));
  }

  /**
   * The checks' TLS settings that these options give together, or {@code null}.
   *
   * @throws IllegalArgumentException when they do not go together, with {@code where} first
   */
  CheckTls checkTls(String where) {
    CheckTlsOptions tls = new CheckTlsOptions();
    try {
      for (Option option : options) {
        if (TLS.contains(option.keyword())) {
          tls.set(option.keyword(), option.value());
        }
      }
      return tls.settings();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + e.getMessage(), e);
    }
  }

  /**
   * The agent check that these options give together, or {@code null}.
   *
   * @param server the server's name, for HAProxy's message about a missing port
   * @throws IllegalArgumentException when they do not go together, with {@code where} first
   */
  AgentCheck agentCheck(String where, String server) {
    AgentOptions agent = new AgentOptions();
    try {
      for (Option option : options) {
        if (AGENT.contains(option.keyword()) || option.keyword().equals("port")) {
          agent.set(option.keyword(), option.value());
        }
      }
      return agent.settings(server);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + e.getMessage(), e);
    }
  }

  /**
   * Sets the options that stand alone in {@code server}, in the order written, leaving out the TLS
   * and agent options, which only a whole server line puts together: how a {@code default-server}
   * line is checked.
   */
  void applyCallsTo(ServerBuilder server) {
    for (Option option : options) {
      if (option.call() != null) {
        option.call().accept(server);
      }
    }
  }

  /**
   * Sets the options in {@code server}, in the order written, and then its checks' TLS and its
   * agent.
   */
  void applyTo(ServerBuilder server, String name) {
    applyCallsTo(server);
    CheckTls tls = checkTls("");
    if (tls != null) {
      server.checkTls(tls);
    }
    AgentCheck agent = agentCheck("", name);
    if (agent != null) {
      server.agentCheck(agent);
    }
  }
}
