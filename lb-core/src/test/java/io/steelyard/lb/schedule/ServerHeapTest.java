package io.steelyard.lb.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ServerHeapTest {
  private static final int SIZE = 40;

  private final Member[] members = new Member[SIZE];

  ServerHeapTest() {
    for (int i = 0; i < SIZE; i++) {
      members[i] = new Member(i, "s" + i, 1, 0, false);
    }
  }

  @Test
  void matchesASortedModelUnderRandomOperations() {
    Random random = new Random(42);
    ServerHeap heap = new ServerHeap(SIZE);
    Map<Member, long[]> model = new HashMap<>();
    Comparator<Member> order =
        Comparator.<Member>comparingLong(m -> model.get(m)[0])
            .thenComparingLong(m -> model.get(m)[1]);

    for (int step = 0; step < 20_000; step++) {
      Member member = members[random.nextInt(SIZE)];
      if (random.nextInt(3) == 0) {
        heap.remove(member);
        model.remove(member);
      } else {
        long key = random.nextInt(8);
        long tie = random.nextInt(1000) * SIZE + member.id(); // unique: one least member
        heap.put(member, key, tie);
        model.put(member, new long[] {key, tie});
      }

      assertThat(heap.size()).isEqualTo(model.size());
      for (Member each : members) {
        assertThat(heap.contains(each)).isEqualTo(model.containsKey(each));
      }
      Member least = model.keySet().stream().min(order).orElse(null);
      assertThat(heap.peek()).isEqualTo(least);
      Member avoid = members[random.nextInt(SIZE)];
      Member expected =
          model.keySet().stream()
              .filter(m -> m != avoid)
              .min(order)
              .orElse(model.containsKey(avoid) ? avoid : null);
      assertThat(heap.peek(avoid)).isEqualTo(expected);
    }
  }

  @Test
  void ordersByKeyThenTieBreak() {
    ServerHeap heap = new ServerHeap(SIZE);
    heap.put(members[0], 5, 0);
    heap.put(members[1], 3, 9);
    heap.put(members[2], 3, 1);

    assertThat(heap.peek()).isSameAs(members[2]);
    heap.put(members[2], 3, 10);
    assertThat(heap.peek()).isSameAs(members[1]);
    heap.put(members[0], 2, 0);
    assertThat(heap.peek()).isSameAs(members[0]);
  }

  @Test
  void peekAvoidingTakesTheRunnerUpOrTheOnlyMember() {
    ServerHeap heap = new ServerHeap(SIZE);
    assertThat(heap.peek(members[0])).isNull();

    heap.put(members[0], 1, 0);
    assertThat(heap.peek(members[0])).isSameAs(members[0]);

    heap.put(members[1], 3, 0);
    heap.put(members[2], 2, 0);
    assertThat(heap.peek(members[0])).isSameAs(members[2]);
    assertThat(heap.peek(members[2])).isSameAs(members[0]);
    assertThat(heap.peek(null)).isSameAs(members[0]);
  }

  @Test
  void keysMayWrapAroundLikeNanoTime() {
    ServerHeap heap = new ServerHeap(SIZE);
    heap.put(members[0], Long.MAX_VALUE - 1, 0);
    heap.put(members[1], Long.MAX_VALUE + 2, 0); // wrapped: negative, yet later
    heap.put(members[2], Long.MAX_VALUE, 0);

    assertThat(heap.peek()).isSameAs(members[0]);
    heap.remove(members[0]);
    assertThat(heap.peek()).isSameAs(members[2]);
    heap.remove(members[2]);
    assertThat(heap.peek()).isSameAs(members[1]);
  }

  @Test
  void removingAnAbsentMemberChangesNothing() {
    ServerHeap heap = new ServerHeap(SIZE);
    heap.put(members[3], 1, 0);
    heap.remove(members[4]);

    assertThat(heap.size()).isEqualTo(1);
    assertThat(heap.peek()).isSameAs(members[3]);
  }

  @Test
  void growingKeepsTheMembersAndTheirOrder() {
    ServerHeap heap = new ServerHeap(3);
    heap.put(members[0], 5, 0);
    heap.put(members[1], 3, 0);
    heap.put(members[2], 4, 0);

    heap.grow(SIZE);
    heap.put(members[SIZE - 1], 1, 0);
    assertThat(heap.size()).isEqualTo(4);
    assertThat(heap.contains(members[10])).isFalse();
    assertThat(heap.peek()).isSameAs(members[SIZE - 1]);
    heap.remove(members[SIZE - 1]);
    assertThat(heap.peek()).isSameAs(members[1]);
    heap.remove(members[1]);
    assertThat(heap.peek()).isSameAs(members[2]);
    heap.grow(2); // never shrinks
    assertThat(heap.contains(members[0])).isTrue();
  }
}
