package io.steelyard.lb.schedule;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;

/**
 * {@code balance source} with {@code hash-type consistent}: a hash of the client's address picks a
 * slot of a {@link MaglevTable} of the live active servers, so that a client keeps its server while
 * the servers do not change, and when one goes, only its clients move (and under 1% of the
 * others). Balancers with the same servers (by name, weight and state) send a client to the same
 * server without sharing anything.
 *
 * <p>A change of weight or usability, or a server added, rebuilds the table on a thread of its own
 * ({@code steelyard-maglev}), never on a forwarding thread; the new table replaces the old one at
 * once when it is ready. Meanwhile, and whenever the client's server is at its maxconn, is the one
 * to avoid, or is no longer usable, the following slots are probed for a server that can take the
 * connection, and past {@value #PROBES} slots the servers in turn.
 */
final class SourceMaglev extends ClientHashScheduler {
  /** How many slots past the client's are probed before the servers are tried in turn. */
  static final int PROBES = 64;

  private static final ExecutorService REBUILDS = Executors.newSingleThreadExecutor(task -> {
    Thread thread = new Thread(task, "steelyard-maglev");
    thread.setDaemon(true);
    return thread;
  });

  /** A table and the members its indexes name. */
  private record Lookup(MaglevTable table, Member[] members) {}

  private final int size;
  private volatile Lookup lookup;

  SourceMaglev(List<Member> members, int size) {
    super(members);
    MaglevTable.checkSize(size);
    this.size = size;
    rebuild();
  }

  @Override
  @Nullable Member pick(InetAddress client, @Nullable Member avoid) {
    Lookup current = lookup;
    Member avoided = null;
    if (current.table().size() > 0) {
      int slot = Integer.remainderUnsigned(SourceHash.hash(client), current.table().size());
      for (int probe = 0; probe < PROBES; probe++) {
        Member member = current.members()[current.table().slot(slot)];
        if (takes(member)) {
          if (member != avoid) {
            return member;
          }
          avoided = member;
        }
        if (++slot == current.table().size()) {
          slot = 0;
        }
      }
    }
    for (Member member : members()) {
      if (takes(member)) {
        if (member != avoid) {
          return member;
        }
        avoided = member;
      }
    }
    return avoided;
  }

  private static boolean takes(Member member) {
    return !member.backup() && !member.removed && member.eligible();
  }

  @Override
  void weightChanged(Member member) {
    REBUILDS.execute(this::rebuild);
  }

  @Override
  void usableChanged(Member member) {
    REBUILDS.execute(this::rebuild);
  }

  @Override
  void added(Member member) {
    if (!member.backup()) {
      REBUILDS.execute(this::rebuild);
    }
  }

  /** Builds the table of the live active servers as they are now, and puts it in place. */
  private void rebuild() {
    List<Member> current = members();
    List<MaglevTable.Entry> entries = new ArrayList<>();
    Member[] byIndex = new Member[current.size()];
    for (int i = 0; i < current.size(); i++) {
      Member member = current.get(i);
      byIndex[i] = member;
      if (!member.backup() && member.usable && member.weight > 0) {
        entries.add(new MaglevTable.Entry(member.name(), member.weight, i));
      }
    }
    lookup = new Lookup(MaglevTable.build(entries, size), byIndex);
  }

  /** Waits until the rebuilds asked for so far are done: for tests and benchmarks. */
  static void awaitRebuilds() {
    try {
      REBUILDS.submit(() -> {}).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }
}
