package io.steelyard.lb.schedule;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Maglev's lookup table (Eisenbud et al., NSDI 2016), with Katran's weights: a prime number of
 * slots, each naming a server, so that a hash of the client picks a slot and the slot a server.
 * Each server walks its own permutation of the slots, {@code offset = h1(key) mod M} and {@code
 * skip = h2(key) mod (M - 1) + 1}, from two hashes of its key (its name); in turns, each server
 * takes its next free slot, a server of weight {@code w} taking {@code w / max} of a turn, so that
 * the slots split in proportion to the weights. A server removed frees its slots to the others
 * and nearly every other slot keeps its server; the servers are taken in the order of their keys,
 * so that every balancer with the same servers builds the same table, slot for slot.
 *
 * <p>Building costs {@code O(M log M)} for {@code M} slots (about a millisecond at 65,537 slots);
 * a lookup is one array read.
 */
final class MaglevTable {
  /** The default size: a prime, 65,537, about 650 slots per server for 100 servers. */
  static final int DEFAULT_SIZE = 65_537;

  /** A server of the table: its key (which decides its permutation), weight and index. */
  record Entry(String key, int weight, int index) {}

  private final int[] slots;

  private MaglevTable(int[] slots) {
    this.slots = slots;
  }

  /**
   * The table of {@code entries} over {@code size} slots; empty entries give an empty table.
   *
   * @throws IllegalArgumentException when {@code size} is not a prime, or a weight is negative
   */
  static MaglevTable build(List<Entry> entries, int size) {
    checkSize(size);
    List<Entry> servers = new ArrayList<>();
    for (Entry entry : entries) {
      if (entry.weight() < 0) {
        throw new IllegalArgumentException("server '" + entry.key() + "': weight " + entry.weight());
      }
      if (entry.weight() > 0) {
        servers.add(entry);
      }
    }
    servers.sort(Comparator.comparing(Entry::key));
    if (servers.isEmpty()) {
      return new MaglevTable(new int[0]);
    }
    int[] slots = new int[size];
    Arrays.fill(slots, -1);
    int n = servers.size();
    long[] offset = new long[n];
    long[] skip = new long[n];
    long[] next = new long[n];
    int[] credit = new int[n];
    int maxWeight = 0;
    for (int i = 0; i < n; i++) {
      byte[] key = servers.get(i).key().getBytes(StandardCharsets.UTF_8);
      offset[i] = Long.remainderUnsigned(hash(key, 0x9e3779b97f4a7c15L), size);
      skip[i] = Long.remainderUnsigned(hash(key, 0xc2b2ae3d27d4eb4fL), size - 1) + 1;
      maxWeight = Math.max(maxWeight, servers.get(i).weight());
    }
    int filled = 0;
    while (true) {
      for (int i = 0; i < n; i++) {
        credit[i] += servers.get(i).weight();
        while (credit[i] >= maxWeight) {
          credit[i] -= maxWeight;
          long slot;
          do {
            slot = (offset[i] + next[i] * skip[i]) % size;
            next[i]++;
          } while (slots[(int) slot] >= 0);
          slots[(int) slot] = servers.get(i).index();
          if (++filled == size) {
            return new MaglevTable(slots);
          }
        }
      }
    }
  }

  /** @throws IllegalArgumentException naming {@code size} when it is not a prime above 2 */
  static void checkSize(int size) {
    if (size < 3 || !BigInteger.valueOf(size).isProbablePrime(30)) {
      throw new IllegalArgumentException(
          "the Maglev table size must be a prime above 2 (65537 by default): " + size);
    }
  }

  /** How many slots there are; 0 when no server has a weight. */
  int size() {
    return slots.length;
  }

  /** The index of the server in {@code slot}. */
  int slot(int slot) {
    return slots[slot];
  }

  /**
   * A 64-bit hash of {@code key}, FNV-1a from {@code seed} through SplitMix64's finalizer: the
   * same on every JVM and platform.
   */
  static long hash(byte[] key, long seed) {
    long h = 0xcbf29ce484222325L ^ seed;
    for (byte b : key) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 30;
    h *= 0xbf58476d1ce4e5b9L;
    h ^= h >>> 27;
    h *= 0x94d049bb133111ebL;
    h ^= h >>> 31;
    return h;
  }
}
