package io.steelyard.lb.cli;

import io.steelyard.lb.Balancer;
import io.steelyard.lb.stats.BackendStats;
import io.steelyard.lb.stats.ServerStats;
import io.steelyard.lb.health.AdminState;
import io.steelyard.lb.health.ServerStatus;
import java.util.List;

/**
 * The commands on one server, {@code <backend>/<server>}, with HAProxy 2.6's answers: {@code
 * disable server} and {@code enable server}, {@code set server B/S state ready|drain|maint} and
 * {@code set server B/S weight N}, {@code set weight B/S N|N%}, {@code get weight B/S}, {@code
 * shutdown sessions server B/S}. All but {@code get weight} need {@link Level#ADMIN}.
 *
 * <p>Steelyard keeps one admin state per server, where HAProxy keeps maintenance and drain apart:
 * {@code enable server} takes a server out of maintenance to ready, as HAProxy does unless the
 * server was also set to drain, which Steelyard does not remember under maintenance.
 */
final class ServerCommands {
  private ServerCommands() {}

  /** {@code disable server B/S} (maintenance) or {@code enable server B/S} (out of it). */
  static String enable(CliSession session, Balancer balancer, List<String> words, boolean enable) {
    if (!session.allows(Level.ADMIN)) {
      return CliSession.PERMISSION_DENIED;
    }
    return withServer(balancer, CliSession.word(words, 2), (backend, server) -> {
      if (!enable) {
        balancer.admin().setState(backend.name(), server.name(), AdminState.MAINT);
      } else if (server.status() == ServerStatus.MAINT) {
        balancer.admin().setState(backend.name(), server.name(), AdminState.READY);
      }
      return "";
    });
  }

  /** {@code set server B/S state ready|drain|maint} or {@code set server B/S weight N|N%}. */
  static String setServer(CliSession session, Balancer balancer, List<String> words) {
    if (!session.allows(Level.ADMIN)) {
      return CliSession.PERMISSION_DENIED;
    }
    return withServer(balancer, CliSession.word(words, 2), (backend, server) -> {
      String value = CliSession.word(words, 4);
      switch (CliSession.word(words, 3)) {
        case "state":
          if (!value.equals("ready") && !value.equals("drain") && !value.equals("maint")) {
            return "'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n";
          }
          balancer.admin().setState(backend.name(), server.name(), AdminState.of(value));
          return "";
        case "weight":
          return weight(balancer, backend, server, value);
        case "addr":
        case "agent":
        case "agent-addr":
        case "agent-port":
        case "agent-send":
        case "check-addr":
        case "check-port":
        case "fqdn":
        case "health":
        case "ssl":
          return "'set server <srv> " + CliSession.word(words, 3) + "' is not supported by Steelyard.\n";
        default:
          return "usage: set server <backend>/<server> addr | agent | agent-addr | agent-port"
              + " | agent-send | check-addr | check-port | fqdn | health | ssl | state | weight\n";
      }
    });
  }

  /** {@code set weight B/S N|N%}. */
  static String setWeight(CliSession session, Balancer balancer, List<String> words) {
    if (!session.allows(Level.ADMIN)) {
      return CliSession.PERMISSION_DENIED;
    }
    return withServer(balancer, CliSession.word(words, 2),
        (backend, server) -> weight(balancer, backend, server, CliSession.word(words, 3)));
  }

  /** {@code get weight B/S}: the current weight and the configured one; any level. */
  static String getWeight(Balancer balancer, List<String> words) {
    return withServer(balancer, CliSession.word(words, 2),
        (backend, server) -> server.weight() + " (initial " + server.initialWeight() + ")\n");
  }

  /** {@code shutdown sessions server B/S}: closes every connection of the server. */
  static String shutdownSessions(CliSession session, Balancer balancer, List<String> words) {
    if (!session.allows(Level.ADMIN)) {
      return CliSession.PERMISSION_DENIED;
    }
    return withServer(balancer, CliSession.word(words, 3), (backend, server) -> {
      balancer.admin().shutdownSessions(backend.name(), server.name());
      return "";
    });
  }

  /**
   * Sets a weight as HAProxy's {@code server_parse_weight_change_request}: {@code N} from 0 to
   * 256, or {@code N%} of the initial weight, capped at 256.
   */
  private static String weight(Balancer balancer, BackendStats backend, ServerStats server, String text) {
    if (text.isEmpty()) {
      return "Require <weight> or <weight%>.\n";
    }
    int digits = text.startsWith("-") || text.startsWith("+") ? 1 : 0;
    while (digits < text.length() && Character.isDigit(text.charAt(digits))) {
      digits++;
    }
    if (digits == 0 || !Character.isDigit(text.charAt(digits - 1))) {
      return "Empty weight string empty or preceded by garbage";
    }
    long value;
    try {
      value = Long.parseLong(text.substring(0, digits));
    } catch (NumberFormatException e) {
      value = text.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    String rest = text.substring(digits);
    if (rest.equals("%")) {
      if (value < 0) {
        return "Relative weight must be positive.\n";
      }
      value = Math.min(256, server.initialWeight() * Math.min(value, 25_600) / 100);
    } else if (value < 0 || value > 256) {
      return "Absolute weight can only be between 0 and 256 inclusive.\n";
    } else if (!rest.isEmpty()) {
      return "Trailing garbage in weight string";
    }
    balancer.admin().setWeight(backend.name(), server.name(), (int) value);
    return "";
  }

  /** What to do with a server found by name. */
  private interface Action {
    String apply(BackendStats backend, ServerStats server);
  }

  /** Runs {@code action} on {@code backend/server}, or answers HAProxy's error. */
  private static String withServer(Balancer balancer, String name, Action action) {
    int slash = name.indexOf('/');
    if (slash <= 0 || slash == name.length() - 1) {
      return "Require 'backend/server'.\n";
    }
    String backendName = name.substring(0, slash);
    String serverName = name.substring(slash + 1);
    BackendStats backend = balancer.stats().backends().stream()
        .filter(b -> b.name().equals(backendName)).findFirst().orElse(null);
    if (backend == null) {
      return "No such backend.\n";
    }
    ServerStats server = backend.servers().stream()
        .filter(s -> s.name().equals(serverName)).findFirst().orElse(null);
    if (server == null) {
      return "No such server.\n";
    }
    return action.apply(backend, server);
  }
}
