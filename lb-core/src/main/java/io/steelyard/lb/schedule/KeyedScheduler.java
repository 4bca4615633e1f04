package io.steelyard.lb.schedule;

import java.net.InetAddress;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An algorithm that keeps its eligible active servers under a key that depends only on each
 * server's own state, and re-keys a server at every change of it: the least key takes the next
 * connection, the runner-up when the least is the one to avoid. Servers whose key is 0 wait in an
 * {@link IdleQueue} in the order they got there, which is the order a heap would give them (their
 * tie-breaks only grow), and the others in a {@link ServerHeap}: picking an idle server is O(1),
 * the rest O(log n). A server that stops being eligible (unusable, weight 0, at its maxconn)
 * leaves both and comes back on the change that makes it eligible again.
 */
abstract sealed class KeyedScheduler extends AbstractScheduler permits First, LeastConn {
  private final ServerHeap heap;
  private final IdleQueue idle;

  KeyedScheduler(List<Member> members) {
    super(members);
    heap = new ServerHeap(ids());
    idle = new IdleQueue(ids());
  }

  /** Puts the initial servers in; called by subclasses once their own fields are set. */
  final void init() {
    for (Member member : members()) {
      if (!member.backup()) {
        requeue(member);
      }
    }
  }

  /** The server's key; the least wins. */
  abstract long key(Member member);

  /** Orders equal keys; the least goes first. */
  abstract long tieBreak(Member member);

  @Override
  final @Nullable Member pick(InetAddress client, @Nullable Member avoid) {
    Member first = idle.first();
    if (first == null) {
      return heap.peek(avoid);
    }
    if (first != avoid) {
      return first;
    }
    Member second = idle.after(first);
    if (second != null) {
      return second;
    }
    Member busy = heap.peek();
    return busy != null ? busy : first;
  }

  @Override
  final void acquired(Member member) {
    requeue(member);
  }

  @Override
  final void acquiredDirect(Member member) {
    requeue(member);
  }

  @Override
  final void released(Member member) {
    requeue(member);
  }

  @Override
  final void weightChanged(Member member) {
    requeue(member);
  }

  @Override
  final void usableChanged(Member member) {
    requeue(member);
  }

  @Override
  final void added(Member member) {
    heap.grow(ids());
    idle.grow(ids());
    if (!member.backup()) {
      requeue(member);
    }
  }

  private void requeue(Member member) {
    idle.remove(member);
    if (!member.eligible()) {
      heap.remove(member);
      return;
    }
    long key = key(member);
    long tie = tieBreak(member);
    if (key == 0) {
      heap.remove(member);
      idle.addLast(member);
    } else {
      heap.put(member, key, tie);
    }
  }
}
