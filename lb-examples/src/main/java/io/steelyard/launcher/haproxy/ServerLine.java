package io.steelyard.launcher.haproxy;

import io.steelyard.launcher.ConfigLine;
import io.steelyard.launcher.ConfigValues;

/**
 * A {@code server NAME ADDRESS [OPTIONS]} line of a backend or listen section.
 *
 * <p>{@code ADDRESS} is {@code host:port} or {@code [ipv6]:port}. The options ({@code weight},
 * {@code check}, {@code inter}, ...) are those of {@link ServerOptions}, over those of the {@code
 * default-server} lines before it.
 *
 * @param options its own options over its section's {@code default-server} options
 */
record ServerLine(ConfigLine line, String name, String address, ServerOptions options) {

  /**
   * Parses {@code line} of the section {@code proxy}.
   *
   * @param defaults the section's {@code default-server} options so far
   */
  static ServerLine parse(String proxy, ConfigLine line, ServerOptions defaults) {
    if (line.arguments() < 2) {
      throw new IllegalArgumentException(
          "'server' expects <name> and <addr>[:<port>] as arguments.");
    }
    String name = ConfigValues.name("server name", line.word(1));
    ServerOptions options =
        ServerOptions.parse(line, 3, "'server " + proxy + "/" + name + "' : ");
    ServerOptions merged = options.over(defaults);
    merged.checkTls("'server " + proxy + "/" + name + "' : ");
    merged.agentCheck("'server " + proxy + "/" + name + "' : ", name);
    return new ServerLine(line, name, line.word(2), merged);
  }
}
