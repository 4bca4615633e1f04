package io.steelyard.examples;

import io.steelyard.lb.stats.BackendStats;
import io.steelyard.lb.stats.ServerStats;
import io.steelyard.lb.stats.Traffic;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A backend's servers as a text table, from a {@link BackendStats} snapshot: status, connections
 * open now and since start, each server's share of them, and bytes from clients ("in") and to
 * clients ("out"). The last row is the backend as a whole.
 *
 * <pre>
 * server  status    now   total  share    bytes in   bytes out
 * s1      UP          2     412    41%     6.1 KiB     9.8 MiB
 * </pre>
 */
final class StatsTable {
  private static final String ROW = "%-8s%-8s%5s%8s%7s%12s%12s";

  private StatsTable() {}

  /** The table's lines, a header first. */
  static List<String> lines(BackendStats backend) {
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, ROW, "server", "status", "now", "total", "share",
        "bytes in", "bytes out"));
    long total = backend.traffic().total();
    for (ServerStats server : backend.servers()) {
      lines.add(row(server.name(), server.status().name(), server.traffic(), total));
    }
    lines.add(row("all", "", backend.traffic(), total));
    return lines;
  }

  private static String row(String name, String status, Traffic traffic, long total) {
    String share = total == 0 ? "-" : Math.round(100.0 * traffic.total() / total) + "%";
    return String.format(Locale.ROOT, ROW, name, status, traffic.current(), traffic.total(), share,
        bytes(traffic.bytesIn()), bytes(traffic.bytesOut()));
  }

  /** A byte count for people: {@code 512 B}, {@code 6.1 KiB}, {@code 9.8 MiB}, {@code 1.2 GiB}. */
  static String bytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = bytes / 1024.0;
    int unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
