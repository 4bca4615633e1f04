package io.steelyard.launcher;

import io.steelyard.launcher.keepalived.KeepalivedValues;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Which program's configuration a file given with {@code -f} is: HAProxy's or keepalived's. The
 * first keyword tells: an HAProxy section ({@code global}, {@code defaults}, {@code frontend}, ...)
 * or a keepalived block ({@code global_defs}, {@code vrrp_script}, {@code vrrp_instance}, ...).
 * When it is neither, a line that ends with keepalived's {@code {} tells (the keepalived reader then
 * names the unknown keyword); otherwise the file is refused with both lists. A file without a
 * keyword is HAProxy's, which reports it empty.
 */
enum ConfigKind {
  HAPROXY,
  KEEPALIVED;

  private static final List<String> HAPROXY_SECTIONS = List.of(
      "global", "defaults", "frontend", "backend", "listen", "peers", "resolvers", "userlist",
      "mailers", "program", "cache", "ring", "http-errors");

  private static final List<String> KEEPALIVED_BLOCKS = List.of(
      "global_defs", "vrrp_script", "vrrp_instance", "vrrp_sync_group", "virtual_server",
      "virtual_server_group", "static_ipaddress", "static_routes", "static_rules",
      "vrrp_track_process", "track_file", "garp_group", "linkbeat_interfaces", "bfd_instance",
      "net_namespace", "include");

  private static final Set<String> HAPROXY_SET = Set.copyOf(HAPROXY_SECTIONS);
  private static final Set<String> KEEPALIVED_SET = Set.copyOf(KEEPALIVED_BLOCKS);

  /**
   * The kind of {@code file}; HAProxy's when it cannot be read, whose reader then says why.
   *
   * @throws ConfigFileException when neither its first keyword nor its blocks tell, or when it is
   *     out of the bounds of {@link ConfigFile} (a NUL byte, a line or the file too long)
   */
  static ConfigKind of(Path file) {
    String text;
    try {
      text = ConfigFile.read(file);
    } catch (IOException e) {
      return HAPROXY;
    }
    return of(file.toString(), text);
  }

  /**
   * The kind of {@code text}, the content of {@code file}.
   *
   * @throws ConfigFileException when neither its first keyword nor its blocks tell
   */
  static ConfigKind of(String file, String text) {
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      List<String> words = words(lines[i]);
      if (words.isEmpty()) {
        continue;
      }
      String keyword = words.get(0);
      if (HAPROXY_SET.contains(keyword)) {
        return HAPROXY;
      }
      if (KEEPALIVED_SET.contains(keyword)) {
        return KEEPALIVED;
      }
      for (String line : lines) {
        List<String> rest = words(line);
        if (!rest.isEmpty() && rest.get(rest.size() - 1).equals("{")) {
          return KEEPALIVED;
        }
      }
      throw Diagnostics.failure(
          new ConfigLine(file, i + 1, words),
          "cannot tell whether this is an HAProxy or a keepalived configuration: its first"
              + " keyword '" + keyword + "' is neither an HAProxy section ("
              + String.join(", ", HAPROXY_SECTIONS) + ") nor a keepalived block ("
              + String.join(", ", KEEPALIVED_BLOCKS) + ")");
    }
    return HAPROXY;
  }

  private static List<String> words(String line) {
    try {
      return KeepalivedValues.words(line);
    } catch (IllegalArgumentException unterminatedQuote) {
      return List.of();
    }
  }
}
