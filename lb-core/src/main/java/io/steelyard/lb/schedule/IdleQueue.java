package io.steelyard.lb.schedule;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Members whose key is 0 (idle servers for leastconn), first in, first out: a doubly linked list
 * threaded through arrays indexed by {@link Member#id()}, so that adding, removing any member and
 * taking the head are O(1) and allocate nothing. In front of a {@link ServerHeap} it serves the
 * commonest pick, an idle server, without walking the heap.
 *
 * <p>Not thread-safe: the owning scheduler holds its lock.
 */
final class IdleQueue {
  private static final int NONE = -1;

  private Member[] members;
  private int[] next;
  private int[] previous;
  private int head = NONE;
  private int tail = NONE;

  /** An empty queue for members whose ids are below {@code capacity}. */
  IdleQueue(int capacity) {
    members = new Member[capacity];
    next = new int[capacity];
    previous = new int[capacity];
  }

  /** Makes room for members whose ids are below {@code capacity}, keeping the order. */
  void grow(int capacity) {
    if (capacity > members.length) {
      members = Arrays.copyOf(members, capacity);
      next = Arrays.copyOf(next, capacity);
      previous = Arrays.copyOf(previous, capacity);
    }
  }

  boolean contains(Member member) {
    return members[member.id()] != null;
  }

  /** Puts {@code member}, which must not be queued, last. */
  void addLast(Member member) {
    int id = member.id();
    members[id] = member;
    next[id] = NONE;
    previous[id] = tail;
    if (tail == NONE) {
      head = id;
    } else {
      next[tail] = id;
    }
    tail = id;
  }

  /** Takes {@code member} out if it is queued. */
  void remove(Member member) {
    int id = member.id();
    if (members[id] == null) {
      return;
    }
    members[id] = null;
    if (previous[id] == NONE) {
      head = next[id];
    } else {
      next[previous[id]] = next[id];
    }
    if (next[id] == NONE) {
      tail = previous[id];
    } else {
      previous[next[id]] = previous[id];
    }
  }

  /** The first member, or {@code null}. */
  @Nullable Member first() {
    return head == NONE ? null : members[head];
  }

  /** The member after {@code member}, which must be queued, or {@code null}. */
  @Nullable Member after(Member member) {
    int id = next[member.id()];
    return id == NONE ? null : members[id];
  }
}
