package io.steelyard.examples;

import io.steelyard.lb.ServerBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A {@code server NAME ADDRESS [weight N] [maxconn N] [backup]} line of a backend or listen
 * section.
 *
 * <p>{@code ADDRESS} is {@code host:port} or {@code [ipv6]:port}. {@code weight} (0 to 256,
 * default 1) is the server's share of connections, {@code maxconn} (0 for none) the most it takes
 * at once, {@code backup} makes it take connections only when no other server can. HAProxy's other
 * server keywords ({@code check}, {@code inter}, ...) are errors here until Steelyard has them.
 *
 * @param options the builder calls of the options, in the order written
 */
record ServerLine(ConfigLine line, String name, String address, Consumer<ServerBuilder> options) {

  /** Parses {@code line} of the section {@code proxy}. */
  static ServerLine parse(String proxy, ConfigLine line) {
    if (line.arguments() < 2) {
      throw new IllegalArgumentException(
          "'server' expects <name> and <addr>[:<port>] as arguments.");
    }
    String name = ConfigValues.name("server name", line.word(1));
    String where = "'server " + proxy + "/" + name + "' : ";
    List<Consumer<ServerBuilder>> options = new ArrayList<>();
    for (int i = 3; i < line.words().size(); i++) {
      String option = line.word(i);
      switch (option) {
        case "weight":
        case "maxconn":
          if (i + 1 >= line.words().size()) {
            throw new IllegalArgumentException(
                where + "'" + option + "' expects an integer argument.");
          }
          int value;
          try {
            value = ConfigValues.integer(option, line.word(++i));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + e.getMessage(), e);
          }
          options.add(option.equals("weight") ? s -> s.weight(value) : s -> s.maxConn(value));
          break;
        case "backup":
          options.add(ServerBuilder::backup);
          break;
        default:
          throw new IllegalArgumentException(
              where + "unknown keyword '" + option
                  + "' (Steelyard supports weight, maxconn and backup).");
      }
    }
    return new ServerLine(line, name, line.word(2), s -> options.forEach(o -> o.accept(s)));
  }
}
