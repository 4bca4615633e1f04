package io.steelyard.lb.schedule;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * What the algorithms share: the lock, the servers by id, argument checks, connection counts and
 * the backup rule.
 *
 * <p>As in HAProxy, a server is <em>live</em> when it is usable with a weight above 0. While an
 * active server is live, only active servers are picked, by the algorithm; a live active server at
 * its maxconn still counts, so that when all of them are merely full {@link #acquire} returns
 * {@code null} rather than spill to the backups. Otherwise the live backup with the lowest id takes
 * every connection it can (HAProxy's default, without {@code option allbackups}).
 *
 * <p>All methods but {@link #members()} hold the scheduler's lock; the hooks that subclasses
 * implement run under it and see only active servers, except {@link #added}. A removal needs no
 * hook: only a server that is not usable can be removed, and the algorithms' structures hold usable
 * servers only; once removed, it cannot be made usable again.
 */
abstract sealed class AbstractScheduler implements Scheduler
    permits ClientHashScheduler, KeyedScheduler, RoundRobin {
  /** Every member ever added, by id: removed ones stay, so that no id is given twice. */
  private final List<Member> byId = new ArrayList<>();

  /** The members not removed, in id order: the snapshot that {@link #members()} returns. */
  private volatile List<Member> current;

  /** The live backups, by id. */
  private final ServerHeap backups;

  private int liveActives;

  AbstractScheduler(List<Member> members) {
    current = List.copyOf(requireNonNull(members, "members"));
    backups = new ServerHeap(current.size());
    for (Member member : current) {
      if (member.id() != byId.size()) {
        throw new IllegalArgumentException(
            "server '" + member.name() + "' has id " + member.id() + " at position " + byId.size());
      }
      byId.add(member);
      liveChanged(member, false);
    }
  }

  /**
   * An active server for a new connection, preferably not {@code avoid}, or {@code null}; called
   * only while an active server is live. Must not count the connection.
   */
  abstract @Nullable Member pick(InetAddress client, @Nullable Member avoid);

  /** Called after a connection that {@link #pick} chose was counted on {@code member}. */
  abstract void acquired(Member member);

  /**
   * Called after a connection was counted on {@code member} by {@link #acquireDirect}, which was no
   * decision of the algorithm; {@code member} may be out of the rotation.
   */
  abstract void acquiredDirect(Member member);

  /** Called after a connection on {@code member} ended. */
  abstract void released(Member member);

  /** Called after {@code member}'s weight changed. */
  abstract void weightChanged(Member member);

  /** Called after {@code member} became usable or unusable. */
  abstract void usableChanged(Member member);

  /**
   * Called after {@code member} was added with the next id, backup or not: the structures indexed
   * by id make room for it, and an active member joins the rotation if it is eligible.
   */
  abstract void added(Member member);

  @Override
  public final synchronized @Nullable Member acquire(InetAddress client, @Nullable Member avoid) {
    if (liveActives > 0) {
      Member member = pick(client, avoid);
      if (member != null) {
        member.inflight++;
        acquired(member);
      }
      return member;
    }
    Member backup = backups.peek();
    if (backup == null || backup.full()) {
      return null;
    }
    backup.inflight++;
    return backup;
  }

  @Override
  public final synchronized boolean acquireDirect(Member member) {
    checkAdded(member);
    if (member.removed || member.full()) {
      return false;
    }
    member.inflight++;
    if (!member.backup()) {
      acquiredDirect(member);
    }
    return true;
  }

  @Override
  public final synchronized void release(Member member) {
    checkMember(member);
    if (member.inflight == 0) {
      throw new IllegalStateException(
          "server '" + member.name() + "': released with no connection in flight");
    }
    member.inflight--;
    if (!member.backup()) {
      released(member);
    }
  }

  @Override
  public final synchronized boolean hasUsableServer() {
    return liveActives > 0 || backups.size() > 0;
  }

  @Override
  public final synchronized void setWeight(Member member, int weight) {
    checkMember(member);
    if (weight < 0 || weight > Member.MAX_WEIGHT) {
      throw new IllegalArgumentException(
          "server '"
              + member.name()
              + "': weight must be 0 to "
              + Member.MAX_WEIGHT
              + ": "
              + weight);
    }
    if (member.weight != weight) {
      boolean wasLive = live(member);
      member.weight = weight;
      liveChanged(member, wasLive);
      if (!member.backup()) {
        weightChanged(member);
      }
    }
  }

  @Override
  public final synchronized void setMaxConn(Member member, int maxConn) {
    checkMember(member);
    if (maxConn < 0) {
      throw new IllegalArgumentException(
          "server '" + member.name() + "': maxconn must be >= 0: " + maxConn);
    }
    if (member.maxConn != maxConn) {
      member.maxConn = maxConn;
      if (!member.backup()) {
        usableChanged(member); // full or not: in or out of the algorithm's structures
      }
    }
  }

  @Override
  public final synchronized void setUsable(Member member, boolean usable) {
    checkMember(member);
    if (member.usable != usable) {
      boolean wasLive = live(member);
      member.usable = usable;
      liveChanged(member, wasLive);
      if (!member.backup()) {
        usableChanged(member);
      }
    }
  }

  @Override
  public final synchronized void add(Member member) {
    requireNonNull(member, "member");
    if (member.id() != byId.size()) {
      throw new IllegalArgumentException(
          "server '"
              + member.name()
              + "' has id "
              + member.id()
              + ", not the next id "
              + byId.size());
    }
    if (current.stream().anyMatch(other -> other.name().equals(member.name()))) {
      throw new IllegalArgumentException(
          "server '" + member.name() + "' already exists in this backend");
    }
    byId.add(member);
    current = Stream.concat(current.stream(), Stream.of(member)).toList();
    backups.grow(byId.size());
    liveChanged(member, false);
    added(member);
  }

  @Override
  public final synchronized void remove(Member member) {
    checkMember(member);
    if (member.usable) {
      throw new IllegalStateException(
          "server '" + member.name() + "': only a server out of the rotation can be removed");
    }
    if (member.inflight > 0) {
      throw new IllegalStateException(
          "server '"
              + member.name()
              + "': cannot be removed with connections in flight: "
              + member.inflight);
    }
    member.removed = true;
    current = current.stream().filter(other -> other != member).toList();
  }

  @Override
  public final List<Member> members() {
    return current;
  }

  @Override
  public final synchronized @Nullable Member member(int id) {
    if (id < 0 || id >= byId.size()) {
      return null;
    }
    Member member = byId.get(id);
    return member.removed ? null : member;
  }

  @Override
  public final synchronized void setBackup(Member member, boolean backup) {
    checkMember(member);
    if (member.backup == backup) {
      return;
    }
    boolean usable = member.usable;
    setUsable(member, false);
    member.backup = backup;
    setUsable(member, usable);
  }

  /** The number of ids given so far: every member's id, removed or not, is below it. */
  final int ids() {
    return byId.size();
  }

  private void liveChanged(Member member, boolean wasLive) {
    boolean live = live(member);
    if (live == wasLive) {
      return;
    }
    if (!member.backup()) {
      liveActives += live ? 1 : -1;
    } else if (live) {
      backups.put(member, member.id(), 0);
    } else {
      backups.remove(member);
    }
  }

  /**
   * Checks that {@code member} was added to this scheduler, whether it was removed since or not.
   */
  private void checkAdded(Member member) {
    requireNonNull(member, "member");
    if (member.id() >= byId.size() || byId.get(member.id()) != member) {
      throw new IllegalArgumentException("server '" + member.name() + "' is not in this backend");
    }
  }

  /** Checks that {@code member} is one of {@link #members()}. */
  private void checkMember(Member member) {
    checkAdded(member);
    if (member.removed) {
      throw new IllegalArgumentException(
          "server '" + member.name() + "' was removed from this backend");
    }
  }

  private static boolean live(Member member) {
    return member.usable && member.weight > 0;
  }

  /** A {@link Balance} made of HAProxy's name for the algorithm and its scheduler's constructor. */
  record Algorithm(String name, Function<List<Member>, Scheduler> factory) implements Balance {
    @Override
    public Scheduler newScheduler(List<Member> members) {
      return factory.apply(members);
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
