package io.steelyard.lb.cli;

import io.steelyard.lb.Balancer;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The state of one stats socket connection (its level, interactive or not, its timeout) and the
 * dispatch of its commands to what answers them. Used on one event loop.
 */
final class CliSession {
  static final String PERMISSION_DENIED = "Permission denied\n";

  private final Balancer balancer;
  private Level level;
  private boolean interactive;
  private boolean quit;
  private @Nullable Duration timeout;

  CliSession(Balancer balancer, Level level) {
    this.balancer = balancer;
    this.level = level;
  }

  boolean interactive() {
    return interactive;
  }

  /** Whether the client asked to disconnect. */
  boolean quit() {
    return quit;
  }

  /** The idle timeout that {@code set timeout cli} just asked for, or {@code null}. */
  @Nullable Duration timeout() {
    return timeout;
  }

  void timeoutApplied() {
    timeout = null;
  }

  /** Whether the connection is at {@code needed} or above. */
  boolean allows(Level needed) {
    return level.compareTo(needed) >= 0;
  }

  /** Runs one command and returns its answer, each line ending with a newline; may be empty. */
  @Nullable String execute(String command) {
    List<String> words = CliSyntax.words(command);
    if (words.isEmpty()) {
      return "";
    }
    String answer;
    try {
      answer = dispatch(words, word(words, 1));
    } catch (IllegalArgumentException | IllegalStateException e) {
      // The balancer refused the change, or a server went away meanwhile: its words.
      return e.getMessage() + "\n";
    }
    return answer != null ? answer : Help.unknown(words);
  }

  /** The answer, or {@code null} for an unknown command. */
  private @Nullable String dispatch(List<String> words, String second) {
    switch (words.get(0)) {
      case "help":
        return Help.help(words.subList(1, words.size()));
      case "prompt":
        interactive = !interactive;
        return "";
      case "quit":
        quit = true;
        return "";
      case "operator":
        return lower(Level.OPERATOR);
      case "user":
        return lower(Level.USER);
      case "show":
        return show(words, second);
      case "set":
        return second.equals("timeout") ? setTimeout(words)
            : second.equals("server") ? ServerCommands.setServer(this, balancer, words)
            : second.equals("weight") ? ServerCommands.setWeight(this, balancer, words)
            : second.equals("table") ? TableCommands.set(this, balancer, words)
            : null;
      case "get":
        return second.equals("weight") ? ServerCommands.getWeight(balancer, words) : null;
      case "clear":
        return second.equals("table") ? TableCommands.clear(this, balancer, words) : null;
      case "disable":
      case "enable":
        return second.equals("server")
            ? ServerCommands.enable(this, balancer, words, words.get(0).equals("enable"))
            : null;
      case "shutdown":
        return second.equals("sessions") && word(words, 2).equals("server")
            ? ServerCommands.shutdownSessions(this, balancer, words)
            : null;
      default:
        return null;
    }
  }

  private @Nullable String show(List<String> words, String second) {
    switch (second) {
      case "info":
        return InfoLines.of(balancer);
      case "stat":
        return StatCsv.show(balancer, words, allows(Level.OPERATOR));
      case "table":
        return TableCommands.show(this, balancer, words);
      case "peers":
        return PeersCommand.show(balancer, words);
      case "cli":
        return word(words, 2).equals("level") ? level.keyword() + "\n" : null;
      default:
        return null;
    }
  }

  /** {@code operator} and {@code user}: lowers the connection's level, never raises it. */
  private String lower(Level to) {
    if (!allows(to)) {
      return PERMISSION_DENIED;
    }
    level = to;
    return "";
  }

  /** {@code set timeout cli <delay>}: a delay in seconds unless it has a unit, at least 1 s. */
  private String setTimeout(List<String> words) {
    if (!word(words, 2).equals("cli")) {
      return "'set timeout' only supports 'cli'.\n";
    }
    String delay = word(words, 3);
    if (delay.isEmpty()) {
      return "Expects an integer value.\n";
    }
    Duration parsed = Delays.parse(delay);
    if (parsed == null || parsed.toSeconds() < 1) {
      return "Invalid timeout value.\n";
    }
    timeout = parsed;
    return "";
  }

  /** Word {@code i}, or the empty string past the end, as HAProxy's {@code args[i]}. */
  static String word(List<String> words, int i) {
    return i < words.size() ? words.get(i) : "";
  }
}
