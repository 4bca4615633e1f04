package io.steelyard.launcher;

import java.util.ArrayList;
import java.util.List;

/**
 * The JVM options that {@code bin/steelyard} starts the launcher with, sized for the balancer a
 * configuration describes rather than for the machine (the JVM's own defaults take a quarter of
 * the memory for the heap and, on two cores or more, G1 with its remembered sets):
 *
 * <ul>
 *   <li>a fixed heap of {@value #BASE_HEAP_MIB} MiB, plus {@value #HEAP_PER_CONNECTION_KIB} KiB per
 *       connection of {@code maxconn} (an idle proxied connection holds about 3.4 KiB), plus
 *       {@value #HEAP_PER_STICK_ENTRY} bytes per entry the stick tables may hold; at most a
 *       quarter of the memory, and not touched in advance, so that resident memory follows the
 *       connections, as HAProxy's does;
 *   <li>up to {@value #SERIAL_LIMIT_MIB} MiB of heap, the serial collector with a young generation
 *       of at most {@value #YOUNG_MIB} MiB: a balancer's objects die young or live as long as their
 *       connection or entry, so its young collections are short, a small young generation keeps
 *       resident memory down however large the heap, and the collector needs no memory of its own
 *       worth counting; G1 above that;
 *   <li>room for relay buffers outside the heap ({@code -XX:MaxDirectMemorySize}, which would
 *       otherwise equal the heap): {@value #DIRECT_PER_CONNECTION_KIB} KiB per connection, a read
 *       and a full write queue each way, at most half the memory. It is a bound, not a
 *       reservation.
 * </ul>
 *
 * <p>Without a {@code maxconn}, the connections are what the descriptor limit allows (two
 * descriptors each), as HAProxy derives its own.
 */
final class JvmSettings {
  static final int BASE_HEAP_MIB = 32;
  static final int HEAP_PER_CONNECTION_KIB = 6;
  static final int HEAP_PER_STICK_ENTRY = 256;
  static final int SERIAL_LIMIT_MIB = 512;
  static final int YOUNG_MIB = 24;
  static final int DIRECT_PER_CONNECTION_KIB = 256;
  private static final long KIB = 1024;
  private static final long MIB = 1024 * KIB;

  private JvmSettings() {}

  /**
   * The options for a balancer of {@code maxConn} connections and stick tables of {@code
   * stickEntries} entries in all, on a machine of {@code memory} bytes.
   *
   * @throws IllegalArgumentException if {@code maxConn} or {@code memory} is not positive, or
   *     {@code stickEntries} negative
   */
  static List<String> forBalancer(long maxConn, long stickEntries, long memory) {
    if (maxConn <= 0 || stickEntries < 0 || memory <= 0) {
      throw new IllegalArgumentException(
          "maxconn and memory must be positive and stick entries not negative, not " + maxConn
              + ", " + memory + " and " + stickEntries);
    }
    long heap = BASE_HEAP_MIB * MIB + maxConn * HEAP_PER_CONNECTION_KIB * KIB
        + stickEntries * HEAP_PER_STICK_ENTRY;
    long heapMib = Math.min(ceilMib(heap), memory / 4 / MIB);
    long directMib = Math.max(64, Math.min(ceilMib(maxConn * DIRECT_PER_CONNECTION_KIB * KIB), memory / 2 / MIB));
    List<String> options = new ArrayList<>();
    options.add("-Xms" + heapMib + "m");
    options.add("-Xmx" + heapMib + "m");
    if (heapMib <= SERIAL_LIMIT_MIB) {
      options.add("-Xmn" + Math.min(YOUNG_MIB, heapMib / 3) + "m");
      options.add("-XX:+UseSerialGC");
    } else {
      options.add("-XX:+UseG1GC");
    }
    options.add("-XX:MaxDirectMemorySize=" + directMib + "m");
    return options;
  }

  /** The connections a balancer without a {@code maxconn} takes under a descriptor limit. */
  static long fromDescriptorLimit(long ulimitN) {
    return Math.max(100, ulimitN / 2);
  }

  private static long ceilMib(long bytes) {
    return (bytes + MIB - 1) / MIB;
  }
}
