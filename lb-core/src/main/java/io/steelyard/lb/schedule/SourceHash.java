package io.steelyard.lb.schedule;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * HAProxy's {@code balance source} with its default map-based hashing ({@code lb_map.c}): a hash of
 * the client's address picks a slot of a table of servers, so that a client keeps its server while
 * the set of live servers does not change.
 *
 * <p>The table holds each usable active server with a weight above 0 as many times as its weight,
 * interleaved (weights 1, 3 and 1 give {@code B A B C B}), and the client's slot is its hash modulo
 * the total weight: clients spread in proportion to the weights. Picking is O(1); a change of
 * weight or usability, or an active server added at runtime, rebuilds the table in O(W log n) for a
 * total weight W, and moves most clients, as in HAProxy (consistent hashing would move fewer). A
 * connection sent to a server directly ({@link #acquireDirect}) changes nothing but its count of
 * connections. When the client's server is at its maxconn or is the one to avoid, the following
 * slots are probed, up to the whole table, for a server that can take the connection.
 *
 * <p>The hash of an IPv4 address is its 32 bits through Murmur3's finalizer; an IPv6 address is
 * first folded to 32 bits. A {@code null} client hashes to 0.
 */
final class SourceHash extends ClientHashScheduler {
  static final Balance BALANCE = new Algorithm("source", SourceHash::new);

  /** The fixed-point scale of the positions of servers in the table. */
  private static final long SCALE = 1L << 32;

  private Member[] table;

  private SourceHash(List<Member> members) {
    super(members);
    rebuild();
  }

  @Override
  @Nullable Member pick(InetAddress client, @Nullable Member avoid) {
    Member[] slots = table;
    int slot = Integer.remainderUnsigned(hash(client), slots.length);
    Member avoided = null;
    for (int probes = 0; probes < slots.length; probes++) {
      Member member = slots[slot];
      if (!member.full()) {
        if (member != avoid) {
          return member;
        }
        avoided = member;
      }
      if (++slot == slots.length) {
        slot = 0;
      }
    }
    return avoided;
  }

  @Override
  void weightChanged(Member member) {
    rebuild();
  }

  @Override
  void usableChanged(Member member) {
    rebuild();
  }

  @Override
  void added(Member member) {
    if (!member.backup()) {
      rebuild();
    }
  }

  /**
   * Lays out the live active servers, each as many times as its weight: its {@code k}-th copy
   * ideally at {@code (k + 1/2) / weight} of the table's length, in the order of those positions
   * (Webster's method), ties going to the lowest id.
   */
  private void rebuild() {
    ServerHeap next = new ServerHeap(ids());
    int[] copies = new int[ids()];
    int total = 0;
    for (Member member : members()) {
      if (!member.backup() && member.usable && member.weight > 0) {
        next.put(member, position(0, member.weight), member.id());
        total += member.weight;
      }
    }
    Member[] slots = new Member[total];
    for (int slot = 0; slot < total; slot++) {
      // The heap holds every member with weight, and total counts their weights.
      Member member = requireNonNull(next.peek());
      slots[slot] = member;
      int copy = ++copies[member.id()];
      next.put(member, position(copy, member.weight), member.id());
    }
    table = slots;
  }

  private static long position(int copy, int weight) {
    return (2L * copy + 1) * SCALE / (2L * weight);
  }

  /** A 32-bit hash of {@code client}'s address, 0 for {@code null}. */
  static int hash(InetAddress client) {
    if (client == null) {
      return 0;
    }
    byte[] address = client.getAddress();
    int folded = 0;
    for (int i = 0; i < address.length; i += 4) {
      int word =
          (address[i] & 0xff) << 24
              | (address[i + 1] & 0xff) << 16
              | (address[i + 2] & 0xff) << 8
              | (address[i + 3] & 0xff);
      folded = 31 * folded + word;
    }
    return mix(folded);
  }

  /** Murmur3's 32-bit finalizer: every input bit affects every output bit. */
  private static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }
}
