package io.steelyard.lb.schedule;

import java.util.List;

/**
 * HAProxy's {@code balance source} with {@code hash-type consistent}, as Maglev hashing over a
 * table of {@code tableSize} slots (a prime); see {@link SourceMaglev}.
 *
 * @param tableSize the number of slots of the lookup table
 */
record ConsistentSource(int tableSize) implements Balance {
  ConsistentSource {
    MaglevTable.checkSize(tableSize);
  }

  @Override
  public String name() {
    return "source";
  }

  @Override
  public Scheduler newScheduler(List<Member> members) {
    return new SourceMaglev(members, tableSize);
  }

  @Override
  public String toString() {
    return "source (hash-type consistent, " + tableSize + " slots)";
  }
}
