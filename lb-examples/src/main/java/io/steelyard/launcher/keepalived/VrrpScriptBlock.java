package io.steelyard.launcher.keepalived;

import io.steelyard.launcher.ConfigLine;
import io.steelyard.launcher.Diagnostics;
import io.steelyard.vrrp.script.ScriptTrack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A {@code vrrp_script NAME { ... }} block of keepalived.conf, with keepalived 2.2.7's defaults:
 *
 * <ul>
 *   <li>{@code script "COMMAND ARGS"} (required): run directly, without a shell; one quoted word
 *       is split at blanks, where single or double quotes keep words together;
 *   <li>{@code interval S} (1), {@code timeout S} (the interval): whole seconds; 0 is taken as 1
 *       with a warning, as keepalived does;
 *   <li>{@code weight N} (0, -253 to 253), {@code rise N} (1), {@code fall N} (1);
 *   <li>{@code user USER [GROUP]}: accepted with a notice, the script runs as the JVM's user.
 * </ul>
 *
 * <p>{@code weight N reverse} and {@code init_fail} are refused: Steelyard's tracks have neither.
 */
final class VrrpScriptBlock {
  /** The programs that, given {@code haproxy} alone, check that an haproxy process runs. */
  private static final Set<String> PROCESS_CHECKS = Set.of("killall", "pidof", "pgrep");

  final ConfigLine header;
  final String name;
  private List<String> command;
  private int interval = 1;
  private Integer timeout;
  private int weight;
  private int rise = 1;
  private int fall = 1;

  private VrrpScriptBlock(ConfigLine header, String name) {
    this.header = header;
    this.name = name;
  }

  /** Reads the block; errors and notes go to {@code diagnostics}. Null without a name or a block. */
  static VrrpScriptBlock parse(KeepalivedStatement statement, Diagnostics diagnostics) {
    String name = KeepalivedValues.blockName(statement, diagnostics);
    if (name == null) {
      return null;
    }
    VrrpScriptBlock script = new VrrpScriptBlock(statement.line(), name);
    for (KeepalivedStatement line : statement.block()) {
      try {
        script.line(line, diagnostics);
      } catch (IllegalArgumentException e) {
        diagnostics.error(line.line(), e.getMessage());
      }
    }
    if (script.command == null) {
      diagnostics.error(script.header, "vrrp_script '" + script.name + "' has no 'script'");
    }
    return script;
  }

  private void line(KeepalivedStatement statement, Diagnostics diagnostics) {
    ConfigLine line = statement.line();
    KeepalivedValues.noBlock(statement, "vrrp_script");
    switch (line.keyword()) {
      case "script":
        command = KeepalivedValues.command(line, "a command");
        break;
      case "interval":
        interval = seconds(line, diagnostics);
        break;
      case "timeout":
        timeout = seconds(line, diagnostics);
        break;
      case "weight":
        if (line.arguments() == 2 && line.word(2).equals("reverse")) {
          throw new IllegalArgumentException(
              "'weight ... reverse' is not supported by Steelyard");
        }
        line.expect(1, 1, "an integer argument");
        weight = KeepalivedValues.range(line, -253, 253);
        break;
      case "rise":
        line.expect(1, 1, "an integer argument");
        rise = KeepalivedValues.range(line, 1, Integer.MAX_VALUE);
        break;
      case "fall":
        line.expect(1, 1, "an integer argument");
        fall = KeepalivedValues.range(line, 1, Integer.MAX_VALUE);
        break;
      case "user":
        KeepalivedValues.scriptUser(line, diagnostics);
        break;
      default:
        throw new IllegalArgumentException(
            "unknown keyword '" + line.keyword() + "' in 'vrrp_script' block");
    }
  }

  private static int seconds(ConfigLine line, Diagnostics diagnostics) {
    line.expect(1, 1, "a whole number of seconds");
    int seconds = KeepalivedValues.range(line, 0, Integer.MAX_VALUE);
    if (seconds == 0) {
      diagnostics.warning(line, "'" + line.keyword() + "' must be greater than 0; setting it to 1");
      return 1;
    }
    return seconds;
  }

  /** The script as the instance tracks it, with {@code weight} if given, else its own. */
  ScriptTrack track(Integer trackWeight) {
    return new ScriptTrack(name, command, Duration.ofSeconds(interval),
        Duration.ofSeconds(timeout == null ? interval : timeout),
        trackWeight == null ? weight : trackWeight, rise, fall);
  }

  /** Whether it was read whole: it has a command. */
  boolean valid() {
    return command != null;
  }

  /** Its own weight, for a track that gives none. */
  int weight() {
    return weight;
  }

  /** The command as written, for messages. */
  String commandLine() {
    return String.join(" ", command);
  }

  /**
   * Whether it only checks that an haproxy process runs ({@code killall -0 haproxy}, {@code pidof
   * haproxy}, {@code pgrep -x haproxy}, ...), which the launcher's balancer replaces.
   */
  boolean checksHaproxyProcess() {
    if (command == null
        || !PROCESS_CHECKS.contains(Path.of(command.get(0)).getFileName().toString())) {
      return false;
    }
    List<String> operands = new ArrayList<>();
    for (String word : command.subList(1, command.size())) {
      if (!word.startsWith("-")) {
        operands.add(word);
      }
    }
    return operands.equals(List.of("haproxy"));
  }
}
