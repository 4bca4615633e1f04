package io.steelyard.lb.schedule;

import static java.util.Objects.requireNonNull;

/**
 * A server as a {@link Scheduler} sees it: its place in the backend, its limits, and the state that
 * decides whether it may take the next connection.
 *
 * <p>{@link #id()} numbers the servers of a backend in declaration order (0, 1, ...) and then in
 * the order in which they are added at runtime ({@link Scheduler#add}); it is also the order in
 * which schedulers break ties. Ids are never reused, so that they may index per-server state for
 * the life of the backend: once a server has been removed ({@link Scheduler#remove}), the ids of
 * the members that remain no longer match their positions in {@link Scheduler#members()}. Weight
 * usability and maxconn change only through the scheduler that owns the member ({@link
 * Scheduler#setWeight}, {@link Scheduler#setUsable}, {@link Scheduler#setMaxConn}), so that it can
 * re-order its structures;
 * {@link #inflight()} counts the connections acquired and not yet released.
 */
public final class Member {
  /** The largest weight a server may have, as in HAProxy. */
  public static final int MAX_WEIGHT = 256;

  private final int id;
  private final String name;
  volatile boolean backup;
  volatile int weight;
  volatile int maxConn;
  volatile boolean usable;
  volatile int inflight;
  volatile boolean removed;

  /**
   * A usable server.
   *
   * @param id the server's number in the backend, from 0 in declaration order
   * @param name the server's name, unique in its backend
   * @param weight the initial weight, 0 to {@value #MAX_WEIGHT}; 0 takes no new connections
   * @param maxConn the most connections in flight at once, 0 for no limit
   * @param backup whether the server takes connections only when no active server is usable
   */
  public Member(int id, String name, int weight, int maxConn, boolean backup) {
    this(id, name, weight, maxConn, backup, true);
  }

  /**
   * A server that starts usable or not: HAProxy creates the servers of {@code add server} in
   * maintenance, out of the rotation until they are enabled ({@link Scheduler#setUsable}).
   *
   * @param id the server's number in the backend, from 0 in declaration order
   * @param name the server's name, unique in its backend
   * @param weight the initial weight, 0 to {@value #MAX_WEIGHT}; 0 takes no new connections
   * @param maxConn the most connections in flight at once, 0 for no limit
   * @param backup whether the server takes connections only when no active server is usable
   * @param usable whether the server may take new connections from the start
   */
  public Member(int id, String name, int weight, int maxConn, boolean backup, boolean usable) {
    if (id < 0) {
      throw new IllegalArgumentException("id must be >= 0: " + id);
    }
    if (weight < 0 || weight > MAX_WEIGHT) {
      throw new IllegalArgumentException(
          "server '" + name + "': weight must be 0 to " + MAX_WEIGHT + ": " + weight);
    }
    if (maxConn < 0) {
      throw new IllegalArgumentException("server '" + name + "': maxconn must be >= 0: " + maxConn);
    }
    this.id = id;
    this.name = requireNonNull(name, "name");
    this.weight = weight;
    this.maxConn = maxConn;
    this.backup = backup;
    this.usable = usable;
  }

  public int id() {
    return id;
  }

  public String name() {
    return name;
  }

  public int weight() {
    return weight;
  }

  /** The most connections in flight at once, 0 for no limit. */
  public int maxConn() {
    return maxConn;
  }

  public boolean backup() {
    return backup;
  }

  /**
   * Whether the server is in the rotation: the scheduler may pick it for new connections (it is up,
   * neither draining nor in maintenance). A server out of the rotation may still take the clients
   * that are sent to it by name ({@link Scheduler#acquireDirect}).
   */
  public boolean usable() {
    return usable;
  }

  /**
   * Whether the server was removed from its backend ({@link Scheduler#remove}). A removed server
   * takes no connection any more, and its id is not given to another.
   */
  public boolean removed() {
    return removed;
  }

  /** Connections acquired on this server and not yet released. */
  public int inflight() {
    return inflight;
  }

  /** Whether the server is at its {@link #maxConn()} limit. */
  boolean full() {
    return maxConn > 0 && inflight >= maxConn;
  }

  /** Whether the server can be picked at all: usable, with weight, below its limit. */
  boolean eligible() {
    return usable && weight > 0 && !full();
  }

  @Override
  public String toString() {
    return name;
  }
}
