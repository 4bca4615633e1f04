package io.steelyard.bench;

import io.steelyard.lb.stick.StickTable;
import java.net.InetAddress;
import java.time.Duration;
import org.openjdk.jol.info.GraphLayout;

/**
 * Prints the heap a full stick table takes per entry: {@code size 200k} (or the size given as the
 * argument) of distinct IPv4 clients, as JOL walks it. Everything the table reaches counts, less
 * what it holds when empty: the table's copies of the clients' addresses, Caffeine's nodes, its
 * hash map's nodes and array, and the entries. The figure depends on the JVM's layout flags
 * (compressed oops and class pointers, object alignment), which this reports under whatever the
 * command line sets; {@code jdk.attach.allowAttachSelf} lets JOL use the JVM's own object sizes
 * rather than warn that it cannot.
 *
 * <pre>{@code
 * java -Djdk.attach.allowAttachSelf=true -cp lb-bench/target/benchmarks.jar \
 *     io.steelyard.bench.StickFootprint [entries]
 * }</pre>
 */
public final class StickFootprint {
  private StickFootprint() {}

  public static void main(String[] args) {
    // Caffeine holds lambdas, whose hidden classes Unsafe gives no field offsets for: JOL finds
    // them by probing. Set before JOL's first use in this JVM.
    System.setProperty("jol.magicFieldOffset", "true");
    int entries = (args.length > 0) ? Integer.parseInt(args[0]) : StickTableBenchmark.ENTRIES;

    StickTable table = StickTable.builder().size(entries).expire(Duration.ofMinutes(30)).build();
    long empty = GraphLayout.parseInstance(table).totalSize();
    InetAddress[] clients = Clients.ipv4(0, entries);
    for (int i = 0; i < entries; i++) {
      table.store(clients[i], i % 8).connectionClosed();
    }
    GraphLayout full = GraphLayout.parseInstance(table);
    System.out.print(full.toFootprint());
    System.out.printf(
        "stick table of %,d IPv4 entries: %,d bytes, empty %,d: %.1f bytes per entry%n",
        table.used(), full.totalSize(), empty, (full.totalSize() - empty) / (double) entries);
  }
}
