package io.steelyard.lb.schedule;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.List;
import java.util.function.Function;

/**
 * What the algorithms share: the lock, argument checks, connection counts and the backup rule.
 *
 * <p>As in HAProxy, a server is <em>live</em> when it is usable with a weight above 0. While an
 * active server is live, only active servers are picked, by the algorithm; a live active server at
 * its maxconn still counts, so that when all of them are merely full {@link #acquire} returns
 * {@code null} rather than spill to the backups. Otherwise the first live backup in declaration
 * order takes every connection it can (HAProxy's default, without {@code option allbackups}).
 *
 * <p>All methods hold the scheduler's lock; the hooks that subclasses implement run under it and
 * see only active servers.
 */
abstract sealed class AbstractScheduler implements Scheduler
    permits First, LeastConn, RoundRobin, SourceHash {
  private final List<Member> members;

  /** The live backups, by declaration order. */
  private final ServerHeap backups;

  private int liveActives;

  AbstractScheduler(List<Member> members) {
    this.members = List.copyOf(requireNonNull(members, "members"));
    backups = new ServerHeap(this.members.size());
    for (int i = 0; i < this.members.size(); i++) {
      Member member = this.members.get(i);
      if (member.id() != i) {
        throw new IllegalArgumentException(
            "server '" + member.name() + "' has id " + member.id() + " at position " + i);
      }
      if (live(member)) {
        if (member.backup()) {
          backups.put(member, i, 0);
        } else {
          liveActives++;
        }
      }
    }
  }

  /**
   * An active server for a new connection, preferably not {@code avoid}, or {@code null}; called
   * only while an active server is live. Must not count the connection.
   */
  abstract Member pick(InetAddress client, Member avoid);

  /** Called after a connection was counted on {@code member}. */
  abstract void acquired(Member member);

  /** Called after a connection on {@code member} ended. */
  abstract void released(Member member);

  /** Called after {@code member}'s weight changed. */
  abstract void weightChanged(Member member);

  /** Called after {@code member} became usable or unusable. */
  abstract void usableChanged(Member member);

  @Override
  public final synchronized Member acquire(InetAddress client, Member avoid) {
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
  public final List<Member> members() {
    return members;
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

  private void checkMember(Member member) {
    requireNonNull(member, "member");
    if (member.id() >= members.size() || members.get(member.id()) != member) {
      throw new IllegalArgumentException("server '" + member.name() + "' is not in this backend");
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
