package io.steelyard.lb.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Maglev's table as the paper and Katran build it: shares in proportion to the weights, little
 * movement when a server goes, the same table whatever the order the servers are given in.
 */
class MaglevTableTest {
  private static final int M = MaglevTable.DEFAULT_SIZE;

  private static List<MaglevTable.Entry> servers(int n, int weight) {
    List<MaglevTable.Entry> entries = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      entries.add(new MaglevTable.Entry("s" + i, weight, i));
    }
    return entries;
  }

  private static int[] shares(MaglevTable table, int servers) {
    int[] counts = new int[servers];
    for (int slot = 0; slot < table.size(); slot++) {
      counts[table.slot(slot)]++;
    }
    return counts;
  }

  @Test
  void slotsSplitWithin1PercentOfTheWeights() {
    List<MaglevTable.Entry> entries = List.of(new MaglevTable.Entry("a", 1, 0),
        new MaglevTable.Entry("b", 2, 1), new MaglevTable.Entry("c", 3, 2),
        new MaglevTable.Entry("d", 10, 3));
    int[] counts = shares(MaglevTable.build(entries, M), 4);
    int total = 16;
    for (MaglevTable.Entry entry : entries) {
      double expected = (double) M * entry.weight() / total;
      assertThat(Math.abs(counts[entry.index()] / expected - 1)).as(entry.key()).isLessThan(0.01);
    }
    for (int n : new int[] {3, 10, 100}) {
      int[] equal = shares(MaglevTable.build(servers(n, 1), M), n);
      for (int count : equal) {
        assertThat(Math.abs(count / ((double) M / n) - 1)).as("%d servers", n).isLessThan(0.01);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 10, 100})
  void removingOneServerMovesItsSlotsAndUnder1PercentOfTheOthers(int n) {
    List<MaglevTable.Entry> all = servers(n, 1);
    MaglevTable before = MaglevTable.build(all, M);
    List<MaglevTable.Entry> rest = new ArrayList<>(all);
    MaglevTable.Entry gone = rest.remove(n / 2);
    MaglevTable after = MaglevTable.build(rest, M);
    int moved = 0;
    for (int slot = 0; slot < M; slot++) {
      if (before.slot(slot) != gone.index() && before.slot(slot) != after.slot(slot)) {
        moved++;
      }
      assertThat(after.slot(slot)).isNotEqualTo(gone.index());
    }
    double share = (double) moved / M;
    System.out.printf("maglev: removing 1 of %d servers moved %.3f%% of the other servers' slots%n",
        n, 100 * share);
    assertThat(share).isLessThan(0.01);
  }

  @Test
  void theSameServersInAnyOrderMakeTheSameTable() {
    List<MaglevTable.Entry> entries = new ArrayList<>(servers(50, 1));
    entries.add(new MaglevTable.Entry("heavy", 7, 50));
    MaglevTable first = MaglevTable.build(entries, 10_007);
    Collections.shuffle(entries, new Random(42));
    MaglevTable second = MaglevTable.build(entries, 10_007);
    for (int slot = 0; slot < 10_007; slot++) {
      assertThat(second.slot(slot)).isEqualTo(first.slot(slot));
    }
    assertThat(MaglevTable.build(List.of(), M).size()).isZero();
    assertThat(MaglevTable.build(List.of(new MaglevTable.Entry("z", 0, 0)), M).size()).isZero();
  }

  @Test
  void theSizeMustBeAPrime() {
    assertThatThrownBy(() -> MaglevTable.build(servers(3, 1), 65_536))
        .hasMessage("the Maglev table size must be a prime above 2 (65537 by default): 65536");
    assertThatThrownBy(() -> Balance.sourceConsistent(100))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(": 100");
    assertThat(Balance.sourceConsistent()).isEqualTo(Balance.sourceConsistent(65_537));
    assertThat(Balance.sourceConsistent().name()).isEqualTo("source");
  }
}
