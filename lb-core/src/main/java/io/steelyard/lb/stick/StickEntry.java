package io.steelyard.lb.stick;

import static java.util.Objects.requireNonNull;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.time.Duration;

/**
 * One client's entry in a {@link StickTable}: the server it sticks to and its connections.
 *
 * <p>{@link StickTable#store} returns the entry with the new connection already counted, and the
 * caller calls {@link #connectionClosed()} once when that connection ends, from any thread: the
 * counters are atomic, and the entry needs no second lookup. While it counts a connection, an
 * entry is <em>in use</em> and is never purged to make room for another client; it still expires
 * {@link StickTable#expire()} after it was last touched, as a plain {@code stick on src} entry
 * does in HAProxy. A connection that ends after its entry left the table (expired, cleared)
 * closes on the detached entry, harmlessly.
 *
 * <p>The total counts connections in 32 bits and wraps, as HAProxy's {@code conn_cnt} does.
 */
public final class StickEntry {
  /** The value of {@link #current} once the table chose the entry to purge: it opens no more. */
  private static final int RETIRED = -1;
  /** The bits of {@link #state} that hold the server. */
  private static final long SERVER_BITS = 0xFFFF_FFFFL;

  private static final VarHandle STATE;
  private static final VarHandle CURRENT;
  private static final VarHandle TOTAL;
  private static final VarHandle WRITTEN;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      STATE = lookup.findVarHandle(StickEntry.class, "state", long.class);
      CURRENT = lookup.findVarHandle(StickEntry.class, "current", int.class);
      TOTAL = lookup.findVarHandle(StickEntry.class, "total", int.class);
      WRITTEN = lookup.findVarHandle(StickEntry.class, "written", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final InetAddress client;
  /**
   * The server and how many times it was set, as one number: the server's id in the low 32 bits,
   * the count in the high 32 (wrapping). Every setting changes it.
   */
  private volatile long state;
  /** Whether a connection was established on the server the entry has now, or a write set it. */
  private volatile boolean confirmed;
  private volatile int current;
  private volatile int total;
  /** Whether a write here waits for the table's watcher to take it. */
  private volatile boolean written;

  StickEntry(InetAddress client, int serverId, boolean confirmed) {
    this.client = client;
    this.state = serverId & SERVER_BITS;
    this.confirmed = confirmed;
  }

  /** The client's address, the entry's key: a bare address, without host name or scope. */
  public InetAddress client() {
    return client;
  }

  /** The id of the server the client sticks to: its position in the backend. */
  public int serverId() {
    return serverOf(state);
  }

  /**
   * The entry's state: its server and how many times it was set, as one number that every setting
   * changes. What a connection saw of the entry, for {@link #claim}.
   */
  public long state() {
    return state;
  }

  /** The server of {@code state}, a {@link #state()}. */
  public static int serverOf(long state) {
    return (int) state;
  }

  /**
   * Sets the entry's server to {@code serverId} unless the entry changed since the caller saw it
   * as {@code seen}: one atomic step on this entry alone. {@code stick on src} claims a server
   * picked for a client that had none, or whose server could not take it: of the client's
   * connections that balanced at once, the first to claim wins and the others follow its server.
   * Until a connection to it is established ({@link StickTable#connected}), the claim is a
   * reservation, which {@link StickTable#abandon} takes back.
   *
   * @return the entry's state now: with {@code serverId} when the claim took, else as another
   *     connection or a write left it
   * @throws IllegalArgumentException naming the value when {@code serverId} is negative
   */
  public long claim(long seen, int serverId) {
    StickTable.checkServerId(serverId);
    long next = next(seen, serverId);
    long witness = (long) STATE.compareAndExchange(this, seen, next);
    if (witness != seen) {
      return witness;
    }
    confirmed = false;
    return next;
  }

  /** Sets the server, whatever it was: a store, or a write by the admin or a peer. */
  void assign(int serverId) {
    for (long seen = state; ; ) {
      long witness = (long) STATE.compareAndExchange(this, seen, next(seen, serverId));
      if (witness == seen) {
        confirmed = true;
        return;
      }
      seen = witness;
    }
  }

  /** Confirms the entry as it is when it is still as a connection saw it; returns whether. */
  boolean confirm(long seen) {
    if (state != seen) {
      return false;
    }
    confirmed = true;
    return true;
  }

  /** Whether the entry is a reservation no connection came to use: see {@link #claim}. */
  boolean reservation() {
    return !confirmed;
  }

  private static long next(long state, int serverId) {
    return ((state >>> 32) + 1) << 32 | (serverId & SERVER_BITS);
  }

  /** The connections counted on the entry by {@link StickTable#store} and not yet closed. */
  public int currentConnections() {
    return Math.max(current, 0);
  }

  /** The connections ever counted on the entry, modulo 2^32. */
  public long totalConnections() {
    return Integer.toUnsignedLong(total);
  }

  /**
   * Ends a connection that {@link StickTable#store} counted on this entry.
   *
   * @throws IllegalStateException when the entry counts no connection (one closed twice)
   */
  public void connectionClosed() {
    for (int count = current; ; ) {
      if (count <= 0) {
        throw new IllegalStateException(
            "stick-table entry of server " + serverId() + " has no connection to close");
      }
      int witness = (int) CURRENT.compareAndExchange(this, count, count - 1);
      if (witness == count) {
        return;
      }
      count = witness;
    }
  }

  /** Counts a new connection, unless the entry is retired; returns whether it did. */
  boolean opened() {
    for (int count = current; ; ) {
      if (count == RETIRED) {
        return false;
      }
      int witness = (int) CURRENT.compareAndExchange(this, count, count + 1);
      if (witness == count) {
        TOTAL.getAndAdd(this, 1);
        return true;
      }
      count = witness;
    }
  }

  /** Marks the entry written; returns {@code false} when it already was and not yet taken. */
  boolean markWritten() {
    return !written && WRITTEN.compareAndSet(this, false, true);
  }

  /**
   * Takes the mark that a write here set for the table's {@link StickTable#watch watcher}, so that
   * the next write tells the watcher again.
   */
  public void takeWritten() {
    written = false;
  }

  /** Whether the table purged the entry to make room: it is no longer the client's. */
  public boolean retired() {
    return current == RETIRED;
  }

  /** Retires the entry if it counts no connection, so that it can be purged; returns whether. */
  boolean retire() {
    return CURRENT.compareAndSet(this, 0, RETIRED);
  }

  @Override
  public String toString() {
    return "StickEntry{server=" + serverId() + ", cur=" + currentConnections()
        + ", cnt=" + totalConnections() + "}";
  }

  /**
   * A copy of an entry at one instant, for the admin: {@code show table}'s line.
   *
   * @param client the client's address, the entry's key
   * @param serverId the id of the server the client sticks to
   * @param currentConnections the connections open on the entry
   * @param totalConnections the connections ever counted on the entry, modulo 2^32
   * @param idle how long ago the entry was last touched (matched or stored): its last sighting, by
   *     the table's ticker, to within a second
   * @param expiresIn how long the entry has left unless it is touched again: {@code expire - idle}
   */
  public record Snapshot(
      InetAddress client,
      int serverId,
      int currentConnections,
      long totalConnections,
      Duration idle,
      Duration expiresIn) {

    public Snapshot {
      requireNonNull(client, "client");
      requireNonNull(idle, "idle");
      requireNonNull(expiresIn, "expiresIn");
    }
  }
}
