package io.steelyard.launcher.haproxy;

import io.steelyard.launcher.ConfigLine;
import io.steelyard.launcher.ConfigValues;
import io.steelyard.lb.StickTableBuilder;
import io.steelyard.lb.stick.StickTable;
import java.time.Duration;
import java.util.Set;

/**
 * A {@code stick-table type ip size N [expire T] [peers NAME]} line of a backend or listen
 * section: the table
 * of client addresses that the section's {@code stick} rules read and write. Its arguments come
 * in any order, as in HAProxy, and one given twice keeps the last value.
 *
 * <ul>
 *   <li>{@code type ip}, required: the key is the client's address. HAProxy's other types ({@code
 *       ipv6}, {@code integer}, {@code string}, {@code binary}) serve other patterns than {@code
 *       src}, and are errors. Where HAProxy's {@code type ip} keys IPv4 clients only, Steelyard's
 *       table keys IPv6 clients too.
 *   <li>{@code size N}, required: the most entries; when the table is full, the least recently
 *       used entry that no connection holds makes room. {@code N} takes HAProxy's binary
 *       suffixes, so {@code size 200k} is 204,800 entries (see {@link ConfigValues}).
 *   <li>{@code expire T}: how long an entry lives after it was last matched or stored. Without
 *       it, HAProxy keeps entries until the table is full; Steelyard keeps them for the longest
 *       time it has, 2^31-1 ms (about 24.8 days), rather than its builder's 30 minutes.
 *   <li>{@code peers NAME}: the table is replicated with the balancers of the {@code peers NAME}
 *       section ({@link PeersSection}), wherever it stands in the files: this balancer pushes its
 *       entries to them and takes theirs, so that a client keeps its server when another balancer
 *       takes it over. The peers match servers by name, then by {@code id}. A name that no section
 *       has is an error at this line, in HAProxy's words.
 * </ul>
 *
 * <p>HAProxy's {@code nopurge}, {@code srvkey} and {@code store} are errors: they refuse new
 * clients when full, key servers by address, and keep counters that Steelyard does not have.
 *
 * @param size the most entries
 * @param expire how long an entry lives after it was last touched
 * @param peers the name of the {@code peers} section it is replicated with, or {@code null}
 */
record StickTableLine(ConfigLine line, int size, Duration expire, String peers) {
  /** HAProxy's table types but {@code ip}. */
  private static final Set<String> OTHER_TYPES = Set.of("ipv6", "integer", "string", "binary");

  /** Parses {@code line}, a {@code stick-table} line. */
  static StickTableLine parse(ConfigLine line) {
    String type = null;
    Integer size = null;
    Duration expire = StickTable.MAX_EXPIRE;
    String peers = null;
    for (int i = 1; i < line.words().size(); i++) {
      String argument = line.word(i);
      switch (argument) {
        case "type":
          type = value(line, ++i);
          if (!type.equals("ip")) {
            throw new IllegalArgumentException(
                OTHER_TYPES.contains(type)
                    ? "stick-table: type '" + type + "' is not supported by Steelyard: only"
                        + " 'type ip', the client's address for 'stick on src'."
                    : "stick-table: unknown type '" + type + "'.");
          }
          break;
        case "size":
          size = ConfigValues.size("stick-table size", value(line, ++i));
          break;
        case "expire":
          expire = ConfigValues.time("stick-table expire", value(line, ++i));
          break;
        case "peers":
          peers = value(line, ++i);
          break;
        case "nopurge":
        case "srvkey":
        case "store":
          throw new IllegalArgumentException(
              "stick-table: '" + argument + "' is not supported by Steelyard (it supports"
                  + " 'type ip', 'size', 'expire' and 'peers').");
        default:
          throw new IllegalArgumentException(
              "stick-table: unknown argument '" + argument + "'.");
      }
    }
    if (size == null) {
      throw new IllegalArgumentException("stick-table: missing size.");
    }
    if (type == null) {
      throw new IllegalArgumentException("stick-table: missing type.");
    }
    return new StickTableLine(line, size, expire, peers);
  }

  /** The word after the argument at {@code i - 1}, in HAProxy's words when there is none. */
  private static String value(ConfigLine line, int i) {
    if (i >= line.words().size()) {
      throw new IllegalArgumentException(
          "stick-table: missing argument after '" + line.word(i - 1) + "'.");
    }
    return line.word(i);
  }

  /** Sets the table in {@code table}. */
  void applyTo(StickTableBuilder table) {
    table.size(size).expire(expire);
    if (peers != null) {
      table.peers(peers);
    }
  }
}
