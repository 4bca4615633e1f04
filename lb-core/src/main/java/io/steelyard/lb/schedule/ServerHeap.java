package io.steelyard.lb.schedule;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * An indexed binary min-heap of members, ordered by a {@code long} key and then a {@code long}
 * tie-break: the structure behind the schedulers' O(log n) picks.
 *
 * <p>Keys, tie-breaks and each member's slot in the heap live in primitive arrays indexed by {@link
 * Member#id()}, so that a member is found, re-keyed or removed in O(log n) and no operation
 * allocates. Values compare by the sign of their difference, as {@link System#nanoTime()} values
 * do: keys may wrap around {@link Long#MAX_VALUE} provided that the keys in the heap at one time
 * are less than 2<sup>63</sup> apart, and likewise the tie-breaks.
 *
 * <p>Not thread-safe: the owning scheduler holds its lock.
 */
final class ServerHeap {
  private Member[] heap;
  private int[] slots;
  private long[] keys;
  private long[] ties;
  private int size;

  /** An empty heap for members whose ids are below {@code capacity}. */
  ServerHeap(int capacity) {
    heap = new Member[capacity];
    slots = new int[capacity];
    Arrays.fill(slots, -1);
    keys = new long[capacity];
    ties = new long[capacity];
  }

  /**
   * Makes room for members whose ids are below {@code capacity}, keeping the members in the heap
   * and their order: O(capacity), for a server added at runtime.
   */
  void grow(int capacity) {
    int old = slots.length;
    if (capacity <= old) {
      return;
    }
    heap = Arrays.copyOf(heap, capacity);
    slots = Arrays.copyOf(slots, capacity);
    Arrays.fill(slots, old, capacity, -1);
    keys = Arrays.copyOf(keys, capacity);
    ties = Arrays.copyOf(ties, capacity);
  }

  int size() {
    return size;
  }

  boolean contains(Member member) {
    return slots[member.id()] >= 0;
  }

  /** The least member, or {@code null} when the heap is empty. */
  @Nullable Member peek() {
    return size == 0 ? null : heap[0];
  }

  /**
   * The least member other than {@code avoid}, or {@code avoid} when it is the only member, or
   * {@code null} when the heap is empty. O(1): the runner-up of a binary heap is a child of the
   * root.
   */
  @Nullable Member peek(@Nullable Member avoid) {
    if (size == 0) {
      return null;
    }
    Member least = heap[0];
    if (least != avoid || size == 1) {
      return least;
    }
    return (size == 2 || less(heap[1], heap[2])) ? heap[1] : heap[2];
  }

  /** Adds {@code member} with the given order, or moves it there if it is already in the heap. */
  void put(Member member, long key, long tie) {
    int id = member.id();
    keys[id] = key;
    ties[id] = tie;
    int slot = slots[id];
    if (slot < 0) {
      siftUp(size++, member);
    } else {
      reposition(slot, member);
    }
  }

  /** Removes {@code member} if it is in the heap. */
  void remove(Member member) {
    int id = member.id();
    int slot = slots[id];
    if (slot < 0) {
      return;
    }
    slots[id] = -1;
    Member last = heap[--size];
    heap[size] = null;
    if (slot < size) {
      reposition(slot, last);
    }
  }

  /** Places {@code member}, whose order changed, starting from {@code slot}. */
  private void reposition(int slot, Member member) {
    siftUp(slot, member);
    if (heap[slot] == member) {
      siftDown(slot, member);
    }
  }

  private void siftUp(int slot, Member member) {
    while (slot > 0) {
      int parent = (slot - 1) >>> 1;
      Member above = heap[parent];
      if (!less(member, above)) {
        break;
      }
      place(above, slot);
      slot = parent;
    }
    place(member, slot);
  }

  private void siftDown(int slot, Member member) {
    int half = size >>> 1;
    while (slot < half) {
      int child = 2 * slot + 1;
      Member below = heap[child];
      int right = child + 1;
      if (right < size && less(heap[right], below)) {
        child = right;
        below = heap[right];
      }
      if (!less(below, member)) {
        break;
      }
      place(below, slot);
      slot = child;
    }
    place(member, slot);
  }

  private void place(Member member, int slot) {
    heap[slot] = member;
    slots[member.id()] = slot;
  }

  private boolean less(Member a, Member b) {
    long byKey = keys[a.id()] - keys[b.id()];
    return byKey != 0 ? byKey < 0 : ties[a.id()] - ties[b.id()] < 0;
  }
}
