package io.steelyard.lb.stick;

import static java.time.Duration.ofMinutes;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/**
 * The heap a full table of the seed's size takes per entry: {@code size 200k}, distinct IPv4
 * clients. Everything the table reaches counts, less what it holds empty: the keys (the table's
 * copies of the clients' addresses), Caffeine's nodes, the hash map's nodes and array, the entries.
 * At the time of writing: 56 bytes of key, 40 of Caffeine node, 32 of map node, 10.5 of map array
 * and 32 of entry (its key, server, connection counters and the flag of a write for the peers),
 * 170.5 in all.
 */
class StickMemoryTest {
  private static final int ENTRIES = 200_000;

  /** The project's target. */
  private static final long MAX_BYTES_PER_ENTRY = 200;

  static {
    // Caffeine holds lambdas, whose hidden classes Unsafe gives no field offsets for: JOL finds
    // them by probing. Set before JOL's first use in this JVM.
    System.setProperty("jol.magicFieldOffset", "true");
  }

  @Test
  void aFullTableTakesAtMost200BytesPerEntry() {
    StickTable table =
        StickTable.builder().size(ENTRIES).expire(ofMinutes(30)).ticker(new FakeTicker()).build();
    long empty = GraphLayout.parseInstance(table).totalSize();

    for (int i = 0; i < ENTRIES; i++) {
      table.store(Addresses.ipv4(i), i % 8).connectionClosed();
    }
    assertThat(table.used()).isEqualTo(ENTRIES);
    GraphLayout full = GraphLayout.parseInstance(table);
    double perEntry = (full.totalSize() - empty) / (double) ENTRIES;

    System.out.printf(
        "stick table of %,d IPv4 entries: %,d bytes, empty %,d: %.1f bytes per entry%n%s",
        ENTRIES, full.totalSize(), empty, perEntry, full.toFootprint());
    assertThat(perEntry).isLessThanOrEqualTo(MAX_BYTES_PER_ENTRY);
  }
}
