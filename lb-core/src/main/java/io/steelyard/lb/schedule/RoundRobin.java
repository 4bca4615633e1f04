package io.steelyard.lb.schedule;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * HAProxy's {@code balance roundrobin}: each server in turn, in proportion to its weight, with its
 * turns spread evenly.
 *
 * <p>Smooth weighted round robin by earliest eligible virtual deadline first (EEVDF). Virtual time
 * {@code V} advances by {@code SCALE / W} on each pick, for the total weight {@code W} of the
 * servers that can be picked. A server of weight {@code w} that has had {@code k} turns of its
 * current cycle becomes eligible at its start {@code base + k * SCALE / w} and is due at its
 * deadline {@code base + (k + 1) * SCALE / w}; of the eligible servers (start at most {@code V})
 * the one due first takes the connection, ties going to the lowest id. While the servers do not
 * change, each one's count of picks stays within one of its exact share: weights 1, 3 and 1 give
 * the repeating sequence {@code B A B C B}, and 5, 1, 1 give {@code A B A A C A A}. After a cycle
 * of {@code w} turns {@code base} moves on by {@code SCALE}, so the arithmetic stays exact, and
 * virtual time may wrap around as {@link System#nanoTime()} does.
 *
 * <p>The eligible servers sit in one {@link ServerHeap} by deadline and the others in a second by
 * start, so a pick is O(log n), amortized, and allocates nothing. A server that rejoins (usable
 * again, below its maxconn again) keeps its start if it is ahead of virtual time and otherwise
 * starts a new cycle now, as does a server whose weight changed: it takes its share from now on,
 * with no burst to catch up on the turns it missed. When no server is eligible (after such
 * changes), virtual time jumps to the earliest start. A server that is unusable, has weight 0 or is
 * at its maxconn is in neither heap. A server added at runtime joins as one that rejoins, with a
 * new cycle from now. When the server due first is the one to avoid, the next one due takes the
 * connection, or failing that the next one to become eligible.
 *
 * <p>A connection sent to a server directly ({@link #acquireDirect}) is not a turn: neither virtual
 * time nor the server's cycle moves, as HAProxy's roundrobin moves a server only when it picks it.
 * So the clients that stick to a server do not cost it its share of the balanced ones, though they
 * do add to its load; the server only leaves the heaps if it reaches its maxconn.
 */
final class RoundRobin extends AbstractScheduler {
  static final Balance BALANCE = new Algorithm("roundrobin", RoundRobin::new);

  /** The virtual time in which a server takes as many turns as its weight. */
  private static final long SCALE = 1L << 32;

  /** The eligible servers by deadline. */
  private final ServerHeap ready;

  /** The servers waiting for virtual time to reach their start, by start. */
  private final ServerHeap waiting;

  /** By member id: the virtual time at which its current cycle began. */
  private long[] bases;

  /** By member id: the turns taken in its current cycle, 0 to weight - 1. */
  private int[] turns;

  /** By member id: its weight as counted in {@link #total}, 0 when it is in neither heap. */
  private int[] counted;

  /** The total weight of the servers in the heaps. */
  private long total;

  /** Virtual time is {@code epoch + picks * SCALE / total}, exactly. */
  private long epoch;

  private long picks;

  private RoundRobin(List<Member> members) {
    this(members, 0);
  }

  /** A scheduler whose virtual time starts at {@code epoch}, to test its wrapping around. */
  RoundRobin(List<Member> members, long epoch) {
    super(members);
    int size = ids();
    ready = new ServerHeap(size);
    waiting = new ServerHeap(size);
    bases = new long[size];
    turns = new int[size];
    counted = new int[size];
    this.epoch = epoch;
    for (Member member : members()) {
      if (!member.backup()) {
        restart(member);
        requeue(member);
      }
    }
  }

  @Override
  @Nullable Member pick(InetAddress client, @Nullable Member avoid) {
    promote();
    Member first = waiting.peek();
    if (ready.size() == 0 && first != null) {
      epoch = start(first);
      picks = 0;
      promote();
    }
    Member member = ready.peek(avoid);
    return (member == avoid && waiting.size() > 0) ? waiting.peek() : member;
  }

  @Override
  void acquired(Member member) {
    if (++picks == total) {
      epoch += SCALE;
      picks = 0;
    }
    int id = member.id();
    if (++turns[id] == member.weight) {
      turns[id] = 0;
      bases[id] += SCALE;
    }
    requeue(member);
  }

  @Override
  void acquiredDirect(Member member) {
    if (member.full()) {
      requeue(member);
    }
  }

  @Override
  void released(Member member) {
    if (counted[member.id()] == 0) {
      requeue(member);
    }
  }

  @Override
  void weightChanged(Member member) {
    restart(member);
    requeue(member);
  }

  @Override
  void usableChanged(Member member) {
    requeue(member);
  }

  @Override
  void added(Member member) {
    int size = ids();
    ready.grow(size);
    waiting.grow(size);
    bases = Arrays.copyOf(bases, size);
    turns = Arrays.copyOf(turns, size);
    counted = Arrays.copyOf(counted, size);
    if (!member.backup()) {
      restart(member);
      requeue(member);
    }
  }

  /**
   * Puts {@code member} in the heap its start calls for, or in neither if it is not eligible. A
   * server that rejoins with its start past, or more than one turn ahead (which only a wrap-around
   * of virtual time can cause), starts a new cycle now.
   */
  private void requeue(Member member) {
    int id = member.id();
    if (!member.eligible()) {
      ready.remove(member);
      waiting.remove(member);
      count(member, 0);
      return;
    }
    if (counted[id] == 0) {
      long ahead = start(member) - now();
      if (ahead < 0 || ahead > SCALE / member.weight) {
        restart(member);
      }
    }
    count(member, member.weight);
    if (start(member) - now() <= 0) {
      waiting.remove(member);
      ready.put(member, deadline(member), id);
    } else {
      ready.remove(member);
      waiting.put(member, start(member), id);
    }
  }

  /** Moves the servers whose start virtual time has reached to the eligible heap. */
  private void promote() {
    long now = now();
    for (Member member = waiting.peek();
        member != null && start(member) - now <= 0;
        member = waiting.peek()) {
      waiting.remove(member);
      ready.put(member, deadline(member), member.id());
    }
  }

  /** Counts {@code member} in the total weight as {@code weight}, keeping virtual time as it is. */
  private void count(Member member, int weight) {
    int id = member.id();
    if (counted[id] != weight) {
      epoch = now();
      picks = 0;
      total += weight - counted[id];
      counted[id] = weight;
    }
  }

  private void restart(Member member) {
    bases[member.id()] = now();
    turns[member.id()] = 0;
  }

  private long now() {
    return (total == 0) ? epoch : epoch + picks * SCALE / total;
  }

  private long start(Member member) {
    int id = member.id();
    return bases[id] + turns[id] * SCALE / member.weight;
  }

  private long deadline(Member member) {
    int id = member.id();
    return bases[id] + (turns[id] + 1) * SCALE / member.weight;
  }
}
