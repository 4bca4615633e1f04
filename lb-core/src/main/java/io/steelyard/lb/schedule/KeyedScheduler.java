package io.steelyard.lb.schedule;

import java.net.InetAddress;
import java.util.List;

/**
 * An algorithm that keeps its eligible active servers in a {@link ServerHeap} under a key that
 * depends only on each server's own state, and re-keys a server at every change of it: the least
 * key takes the next connection, the runner-up when the least is the one to avoid. A server that
 * stops being eligible (unusable, weight 0, at its maxconn) leaves the heap and comes back on the
 * change that makes it eligible again. Each call is O(log n).
 */
abstract sealed class KeyedScheduler extends AbstractScheduler permits First, LeastConn {
  private final ServerHeap heap;

  KeyedScheduler(List<Member> members) {
    super(members);
    heap = new ServerHeap(ids());
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
  final Member pick(InetAddress client, Member avoid) {
    return heap.peek(avoid);
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
    if (!member.backup()) {
      requeue(member);
    }
  }

  private void requeue(Member member) {
    if (member.eligible()) {
      heap.put(member, key(member), tieBreak(member));
    } else {
      heap.remove(member);
    }
  }
}
