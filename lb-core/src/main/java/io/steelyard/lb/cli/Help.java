package io.steelyard.lb.cli;

import java.util.List;

/**
 * The command list of {@code help} and of the answer to an unknown command, in HAProxy 2.6's
 * layout, with the commands this socket knows.
 */
final class Help {
  private static final List<String[]> COMMANDS =
      List.of(
          command("clear table <table> [<filter>]*", "remove an entry from a table (filter: key)"),
          command("disable server (DEPRECATED)", "disable a server for maintenance (use 'set server' instead)"),
          command("enable server  (DEPRECATED)", "enable a disabled server (use 'set server' instead)"),
          command("get weight <bk>/<srv>", "report a server's current weight"),
          command("operator", "lower the level of the current CLI session to operator"),
          command("set server <bk>/<srv> [opts]", "change a server's state or weight"),
          command("set table <table> key <k> [data.* <v>]*", "update or create a table entry's data"),
          command("set timeout [cli] <delay>", "change a timeout setting"),
          command("set weight <bk>/<srv>  (DEPRECATED)", "change a server's weight (use 'set server' instead)"),
          command("show cli level", "display the level of the current CLI session"),
          command("show info", "report information about the running process"),
          command("show peers [section]", "dump some information about all the peers or this peers section"),
          command("show stat [no-maint|up]*", "report counters for each proxy and server"),
          command("show table <table> [<filter>]*", "report table usage stats or dump this table's contents (filter: key)"),
          command("shutdown sessions server <bk>/<srv>", "kill sessions on a server"),
          command("user", "lower the level of the current CLI session to user"));

  /** Always listed last, as HAProxy does. */
  private static final String ALWAYS =
      line("help [<command>]", "list matching or all commands")
          + line("prompt", "toggle interactive mode with prompt")
          + line("quit", "disconnect");

  private Help() {}

  /** {@code help [<command>]}: the commands that start with the given words, else all. */
  static String help(List<String> words) {
    String matching = matching(String.join(" ", words));
    return "The following commands are valid at this level:\n"
        + (matching.isEmpty() ? matching("") : matching) + ALWAYS;
  }

  /** The answer to a command nobody knows: those that start with its first word, else all. */
  static String unknown(List<String> words) {
    String matching = matching(words.get(0));
    return matching.isEmpty()
        ? "Unknown command. Please enter one of the following commands only:\n" + matching("") + ALWAYS
        : "Unknown command, but maybe one of the following ones is a better match:\n" + matching + ALWAYS;
  }

  private static String matching(String prefix) {
    StringBuilder lines = new StringBuilder();
    for (String[] command : COMMANDS) {
      if (prefix.isEmpty() || (command[0] + " ").startsWith(prefix + " ")) {
        lines.append(line(command[0], command[1]));
      }
    }
    return lines.toString();
  }

  private static String[] command(String usage, String description) {
    return new String[] {usage, description};
  }

  private static String line(String usage, String description) {
    return String.format("  %-40s: %s\n", usage, description);
  }
}
