package io.steelyard.lb.cli;

import io.netty.util.NetUtil;
import io.steelyard.lb.Balancer;
import io.steelyard.lb.config.BackendConfig;
import io.steelyard.lb.stats.ServerStats;
import io.steelyard.lb.stick.StickEntry;
import io.steelyard.lb.stick.StickTable;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * {@code show table [<table> [key <ip>]]}, {@code clear table <table> [key <ip>]} and {@code set
 * table <table> key <ip> data.server_id <id>}, with HAProxy 2.6's lines. A table is named after its backend, as HAProxy's {@code stick-table} in a backend
 * section is; its type is {@code ip} (Steelyard's tables take IPv4 and IPv6 clients alike).
 *
 * <pre>
 * # table: bk_http, type: ip, size:204800, used:2
 * 0x7f5c5404cd00: key=127.0.0.1 use=0 exp=1799983 server_id=1 server_key=s1
 * </pre>
 *
 * <p>{@code use} counts the connections open on the entry, {@code exp} is the time left in
 * milliseconds, {@code server_id} is the server's HAProxy id (its {@code id}, the stats' {@code
 * sid}) and {@code server_key} the server's name. Where HAProxy prints the entry's memory address, Steelyard
 * prints a number derived from the key, stable while the entry lives.
 *
 * <p>Levels as in HAProxy: below {@link Level#OPERATOR}, {@code show table <t>} prints the
 * header and {@code # contents not dumped due to insufficient privileges}, and the {@code key}
 * forms and {@code clear table} do nothing. Differences: filters on data ({@code data.<type>
 * <op> <value>}) are not supported (Steelyard's entries hold only the server); a key that is
 * not an IP address is an {@code Invalid key}, where HAProxy reads garbage as 0.0.0.0 in an
 * {@code ip} table; {@code clear table <t>} also clears entries in use.
 */
final class TableCommands {
  private TableCommands() {}

  static String show(CliSession session, Balancer balancer, List<String> words) {
    String name = CliSession.word(words, 2);
    if (name.isEmpty()) {
      StringBuilder all = new StringBuilder();
      for (BackendConfig backend : balancer.config().backends()) {
        if (backend.stick() != null) {
          all.append(header(backend.name(), balancer.admin().stickTable(backend.name())));
        }
      }
      return all.toString();
    }
    StickTable table = table(balancer, name);
    if (table == null) {
      return "No such table\n";
    }
    String filter = CliSession.word(words, 3);
    if (filter.equals("key")) {
      return key(session, words, (client) -> {
        Optional<StickEntry.Snapshot> entry = table.entry(client);
        return entry.isEmpty() ? "" : header(name, table) + line(servers(balancer, name), entry.get());
      });
    }
    if (filter.startsWith("data.")) {
      return "Steelyard's tables store only the server: filters on 'data.*' are not supported\n";
    }
    if (!filter.isEmpty()) {
      return "Optional argument only supports \"data.<store_data_type>\" <operator> <value> and key <key>\n";
    }
    StringBuilder answer = new StringBuilder(header(name, table));
    if (!session.allows(Level.OPERATOR)) {
      return answer.append("# contents not dumped due to insufficient privileges\n").toString();
    }
    Map<Integer, ServerStats> servers = servers(balancer, name);
    for (StickEntry.Snapshot entry : table.entries()) {
      answer.append(line(servers, entry));
    }
    return answer.toString();
  }

  static String clear(CliSession session, Balancer balancer, List<String> words) {
    String name = CliSession.word(words, 2);
    StickTable table = name.isEmpty() ? null : table(balancer, name);
    if (name.isEmpty()) {
      return "Required arguments: <table> \"data.<store_data_type>\" <operator> <value> or <table> key <key>\n";
    }
    if (table == null) {
      return "No such table\n";
    }
    String filter = CliSession.word(words, 3);
    if (filter.equals("key")) {
      return key(session, words, client -> {
        table.clear(client);
        return "";
      });
    }
    if (filter.startsWith("data.")) {
      return "Steelyard's tables store only the server: filters on 'data.*' are not supported\n";
    }
    if (!filter.isEmpty()) {
      return "Required arguments: <table> \"data.<store_data_type>\" <operator> <value> or <table> key <key>\n";
    }
    if (session.allows(Level.OPERATOR)) {
      table.clear();
    }
    return "";
  }

  static String set(CliSession session, Balancer balancer, List<String> words) {
    String usage = "Required arguments: <table> key <key> [data.<store_data_type> <value>]*\n";
    String name = CliSession.word(words, 2);
    if (name.isEmpty()) {
      return usage;
    }
    StickTable table = table(balancer, name);
    if (table == null) {
      return "No such table\n";
    }
    if (!CliSession.word(words, 3).equals("key")) {
      return usage;
    }
    int serverId = StickTable.NO_SERVER;
    for (int at = 5; at < words.size(); at += 2) {
      if (!words.get(at).equals("data.server_id")) {
        return "Data type not stored in this table\n";
      }
      int sid;
      try {
        sid = Integer.parseInt(CliSession.word(words, at + 1));
      } catch (NumberFormatException e) {
        return "Require a valid integer value to store\n";
      }
      ServerStats server = servers(balancer, name).values().stream()
          .filter(candidate -> candidate.sid() == sid).findFirst().orElse(null);
      if (server == null) {
        return "No server with id " + sid + " in backend '" + name + "'\n";
      }
      serverId = server.id();
    }
    int chosen = serverId;
    return key(session, words, client -> {
      if (chosen != StickTable.NO_SERVER && !table.setServer(client, chosen)) {
        return "Unable to allocate a new key\n";
      }
      return "";
    });
  }

  /** What to do with the client address of a {@code key} filter. */
  private interface KeyAction {
    String apply(InetAddress client);
  }

  private static String key(CliSession session, List<String> words, KeyAction action) {
    String key = CliSession.word(words, 4);
    if (key.isEmpty()) {
      return "Key value expected\n";
    }
    InetAddress client = NetUtil.createInetAddressFromIpAddressString(key);
    if (client == null) {
      return "Invalid key\n";
    }
    return session.allows(Level.OPERATOR) ? action.apply(client) : "";
  }

  private static @Nullable StickTable table(Balancer balancer, String name) {
    return balancer.config().backends().stream()
        .filter(b -> b.name().equals(name) && b.stick() != null)
        .findFirst()
        .map(b -> balancer.admin().stickTable(name))
        .orElse(null);
  }

  private static String header(String name, StickTable table) {
    return "# table: " + name + ", type: ip, size:" + table.size() + ", used:" + table.used() + "\n";
  }

  /** The backend's servers by the scheduler's id, which the stick table stores. */
  private static Map<Integer, ServerStats> servers(Balancer balancer, String backend) {
    Map<Integer, ServerStats> servers = new HashMap<>();
    for (ServerStats server : balancer.stats().backend(backend).servers()) {
      servers.put(server.id(), server);
    }
    return servers;
  }

  private static String line(Map<Integer, ServerStats> servers, StickEntry.Snapshot entry) {
    ServerStats server = servers.get(entry.serverId());
    StringBuilder line = new StringBuilder()
        .append(String.format("0x%012x", entry.client().hashCode() & 0xffffffffL))
        .append(": key=").append(entry.client().getHostAddress())
        .append(" use=").append(entry.currentConnections())
        .append(" exp=").append(entry.expiresIn().toMillis())
        .append(" server_id=").append(server == null ? entry.serverId() + 1 : server.sid());
    if (server != null) {
      line.append(" server_key=").append(server.name());
    }
    return line.append('\n').toString();
  }
}
