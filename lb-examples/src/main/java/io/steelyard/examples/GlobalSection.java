package io.steelyard.examples;

import io.steelyard.lb.BalancerBuilder;
import java.util.Set;

/**
 * The {@code global} section: settings of the whole process.
 *
 * <p>{@code maxconn N} is the most connections over all frontends together. HAProxy's process
 * settings that have no meaning for a library inside a JVM ({@code log}, {@code chroot}, {@code
 * user}, {@code group}, {@code daemon}, {@code stats timeout}) are accepted so that an existing
 * file runs, each with a notice saying why it does not apply; their arguments are still checked
 * ({@code log}: see {@link Logging}).
 */
final class GlobalSection {
  /** The keywords of this section, to tell a keyword in the wrong section from an unknown one. */
  static final Set<String> KEYWORDS =
      Set.of("maxconn", "log", "chroot", "user", "group", "daemon", "stats");

  private Setting<BalancerBuilder> maxConn;

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
        Logging.log(line, true, diagnostics);
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
        if (line.arguments() == 0 || !line.word(1).equals("timeout")) {
          throw new IllegalArgumentException(
              "'stats' supports only 'timeout' in Steelyard"
                  + (line.arguments() == 0 ? "." : " (got '" + line.word(1) + "')."));
        }
        line.expect(2, 1, "a time as an argument");
        ConfigValues.time("stats timeout", line.word(2));
        diagnostics.ignored(line, "'stats timeout'", "it has no stats socket");
        break;
      default:
        throw new IllegalArgumentException(
            "unknown keyword '" + line.keyword() + "' in 'global' section");
    }
  }

  /** Sets the balancer's process-wide limits. */
  void applyTo(BalancerBuilder builder, Diagnostics diagnostics) {
    if (maxConn != null) {
      maxConn.applyTo(builder, diagnostics);
    }
  }
}
