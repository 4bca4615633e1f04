package io.steelyard.lb.peers;

import io.steelyard.lb.stick.StickEntry;

/**
 * The entries written here, in the order they were written, numbered from 1: what each peer is
 * pushed from where it stands, and resumes from where it acknowledged after a reconnection. A
 * ring: it keeps the last {@code capacity} numbers, and a peer that fell further behind is taught
 * the whole table instead. Confined to its section's event loop.
 */
final class UpdateJournal {
  private final int mask;
  private final StickEntry[] entries;
  private final int[] tables;
  private long next = 1;

  /** A journal of at least {@code capacity} entries (rounded up to a power of two). */
  UpdateJournal(int capacity) {
    int size = Integer.highestOneBit(Math.max(capacity, 2) - 1) << 1;
    mask = size - 1;
    entries = new StickEntry[size];
    tables = new int[size];
  }

  /** Records that {@code entry} of table {@code table} was written; returns its number. */
  long append(int table, StickEntry entry) {
    int slot = (int) next & mask;
    entries[slot] = entry;
    tables[slot] = table;
    return next++;
  }

  /** The number the next write takes. */
  long next() {
    return next;
  }

  /** The oldest number still held. */
  long first() {
    return Math.max(1, next - entries.length);
  }

  StickEntry entry(long number) {
    return entries[(int) number & mask];
  }

  int table(long number) {
    return tables[(int) number & mask];
  }
}
