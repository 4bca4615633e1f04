package io.steelyard.lb.schedule;

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
final class LeastConn extends KeyedScheduler {
  static final Balance BALANCE = new Algorithm("leastconn", LeastConn::new);

  /** The fixed-point scale of loads: 2^24 keys per connection at weight 1. */
  private static final long SCALE = 1L << 24;

  private long sequence;

  private LeastConn(List<Member> members) {
    super(members);
    init();
  }

  /** 0 when idle, else {@code (inflight + 1) * SCALE / weight}. */
  @Override
  long key(Member member) {
    int inflight = member.inflight;
    return inflight == 0 ? 0 : (inflight + 1L) * SCALE / member.weight;
  }

  /** Ever increasing: a re-keyed server goes behind the others with its key. */
  @Override
  long tieBreak(Member member) {
    return sequence++;
  }
}
