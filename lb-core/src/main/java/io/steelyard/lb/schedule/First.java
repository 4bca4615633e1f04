package io.steelyard.lb.schedule;

import java.util.List;

/**
 * HAProxy's {@code balance first} ({@code lb_fas.c}): the first server in declaration order that is
 * below its maxconn takes the connection.
 *
 * <p>Connections pile onto server 0 until it reaches its maxconn, then onto server 1, and so on, so
 * that the fewest servers are busy and the others can be powered down; without a maxconn, server 0
 * takes everything. Weights are ignored except that weight 0, like an unusable server, takes
 * nothing. The eligible active servers sit in a {@link ServerHeap} keyed by id, so the pick is O(1)
 * and a server leaving or rejoining on reaching or leaving its maxconn is O(log n), whether the
 * connection was balanced or sent to it directly ({@link #acquireDirect}). A server added at
 * runtime takes its place by id, after all the others. When the first server is the one to avoid,
 * the next one takes the connection if there is one.
 */
final class First extends KeyedScheduler {
  static final Balance BALANCE = new Algorithm("first", First::new);

  private First(List<Member> members) {
    super(members);
    init();
  }

  /** The declaration order: the first server that is not full wins. */
  @Override
  long key(Member member) {
    return member.id();
  }

  @Override
  long tieBreak(Member member) {
    return 0;
  }
}
