package io.steelyard.lb.schedule;

import java.net.InetAddress;
import java.util.List;

/**
 * HAProxy's {@code balance leastconn} ({@code lb_fwlc.c}): the server with the least load, where a
 * server's load is its connections in flight relative to its weight.
 *
 * <p>Each eligible active server sits in a {@link ServerHeap} under the key {@code 0} when it has
 * no connection in flight, else {@code (inflight + 1) * SCALE / weight}; the least key wins. So
 * idle servers come first whatever their weights, and with connections held open a server of weight
 * 3 carries three times the connections of a server of weight 1. Equal keys take turns: a server
 * re-keyed on acquire or release goes behind the others with the same key (a tie-break by an
 * ever-increasing sequence number, as HAProxy's tree inserts duplicates last), so that short
 * connections opened and closed one at a time visit every server in turn. A connection sent to a
 * server directly ({@link #acquireDirect}) loads it like any other, so it re-keys the server too,
 * as HAProxy's {@code take_conn} does.
 *
 * <p>A server that is unusable, has weight 0 or is at its maxconn is out of the heap and returns to
 * it on the release, {@link #setWeight} or {@link #setUsable} that makes it eligible again; a
 * server added at runtime joins it idle, under the key {@code 0}. When the least server is the one
 * to avoid, its runner-up takes the connection if there is one (HAProxy's {@code srvtoavoid}). Each
 * call is O(log n) and allocates nothing, except an addition, which grows the heap in O(n).
 */
final class LeastConn extends AbstractScheduler {
  static final Balance BALANCE = new Algorithm("leastconn", LeastConn::new);

  /** The fixed-point scale of loads: 2^24 keys per connection at weight 1. */
  private static final long SCALE = 1L << 24;

  private final ServerHeap heap;
  private long sequence;

  private LeastConn(List<Member> members) {
    super(members);
    heap = new ServerHeap(ids());
    for (Member member : members()) {
      if (!member.backup()) {
        requeue(member);
      }
    }
  }

  @Override
  Member pick(InetAddress client, Member avoid) {
    return heap.peek(avoid);
  }

  @Override
  void acquired(Member member) {
    requeue(member);
  }

  @Override
  void acquiredDirect(Member member) {
    requeue(member);
  }

  @Override
  void released(Member member) {
    requeue(member);
  }

  @Override
  void weightChanged(Member member) {
    requeue(member);
  }

  @Override
  void usableChanged(Member member) {
    requeue(member);
  }

  @Override
  void added(Member member) {
    heap.grow(ids());
    if (!member.backup()) {
      requeue(member);
    }
  }

  /** Keys {@code member} by its load, last among equals, or takes it out if it is not eligible. */
  private void requeue(Member member) {
    if (!member.eligible()) {
      heap.remove(member);
      return;
    }
    int inflight = member.inflight;
    long key = (inflight == 0) ? 0 : (inflight + 1L) * SCALE / member.weight;
    heap.put(member, key, sequence++);
  }
}
