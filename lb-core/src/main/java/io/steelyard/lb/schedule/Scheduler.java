package io.steelyard.lb.schedule;

import java.net.InetAddress;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Chooses the server for each new connection of one backend.
 *
 * <p>{@link #acquire} picks a server and counts the connection in flight on it until {@link
 * #release}. A scheduler never picks a server that is not usable, has weight 0 or is at its
 * maxconn. Backup servers are picked only while no active server is usable with a weight above 0
 * (HAProxy's rule: then the usable backup with a weight above 0 and the lowest id takes them all).
 * An active server that is merely at its maxconn still counts, so that {@link #acquire} returns
 * {@code null} rather than spill to the backups. A client that persistence sends back to its server
 * bypasses the balancing: {@link #acquireDirect} counts it on that server.
 *
 * <p>The servers may change at runtime, as with HAProxy's {@code add server} and {@code del server}
 * ({@link #add}, {@link #remove}). Their ids number them in the order in which they joined and are
 * never reused, so that a caller may index its own per-server state by id.
 *
 * <p>Implementations are thread-safe and take O(log n) or less per {@link #acquire}, {@link
 * #acquireDirect} and {@link #release} for n servers, and O(n) per {@link #add} and {@link
 * #remove}; {@code source} may take longer to acquire while servers are at their maxconn, and takes
 * O(W log n) for a total weight W to re-lay its table on {@link #setWeight}, {@link #setUsable} and
 * {@link #add}.
 */
public interface Scheduler {

  /**
   * Picks a server for a new connection and counts it in flight.
   *
   * @param client the client's address, which hash-based algorithms use; others ignore it
   * @param avoid a server to pick only when no other can be picked (the one whose connection just
   *     failed, on redispatch), or {@code null}
   * @return the server, or {@code null} when none can take the connection now
   */
  @Nullable Member acquire(InetAddress client, @Nullable Member avoid);

  /**
   * Counts a connection in flight on {@code member} itself, without balancing: for a client that
   * persistence (a stick table) sends back to the server it had. Only the server's maxconn and its
   * removal stop it. Its weight and usability do not, because the caller decides whom to send
   * there: a draining server, out of the rotation by {@link #setUsable}, still takes the clients
   * that stick to it, whereas the caller balances the clients of a server that is down or in
   * maintenance instead. The connection ends with {@link #release}, like one that {@link #acquire}
   * counted.
   *
   * <p>The algorithm sees the load but not a turn, as in HAProxy: {@code leastconn} re-keys the
   * server by its connections, whereas {@code roundrobin} moves a server on in its cycle only when
   * it picks it, so that clients sent directly do not cost it its share of the balanced ones.
   *
   * @return whether the connection was counted: {@code false} when the server is at its maxconn
   *     (the client may wait for a release) or has been removed (the client is to be balanced; a
   *     removal is final, so {@link Member#removed()} tells the two apart after the fact)
   * @throws IllegalArgumentException naming the server when it was never added to this scheduler
   */
  boolean acquireDirect(Member member);

  /**
   * Ends a connection that {@link #acquire} or {@link #acquireDirect} counted on {@code member}.
   *
   * @throws IllegalStateException naming the server when it has no connection in flight (a
   *     connection released twice)
   * @throws IllegalArgumentException when {@code member} is not one of {@link #members()}
   */
  void release(Member member);

  /**
   * Whether any server, active or backup, is usable with a weight above 0. When {@link #acquire}
   * returns {@code null} while this holds, the servers it may pick are merely at their maxconn, and
   * the connection may wait in a queue for a release; otherwise no server can take it at all and it
   * is refused.
   */
  boolean hasUsableServer();

  /**
   * Changes a server's weight (0 to {@value Member#MAX_WEIGHT}) for the next decisions.
   *
   * @throws IllegalArgumentException naming the server and the value when the weight is out of
   *     range, or when {@code member} is not one of {@link #members()}
   */
  void setWeight(Member member, int weight);

  /**
   * Changes the most connections a server takes at once (0 for no limit) for the next decisions;
   * connections in flight beyond a lower limit stay until released.
   *
   * @throws IllegalArgumentException naming the server and the value when it is negative, or when
   *     {@code member} is not one of {@link #members()}
   */
  void setMaxConn(Member member, int maxConn);

  /**
   * Takes a server in or out of the rotation (health checks, drain, maintenance). Its connections
   * in flight stay counted until they are released.
   *
   * @throws IllegalArgumentException when {@code member} is not one of {@link #members()}
   */
  void setUsable(Member member, boolean usable);

  /**
   * Makes a server a backup, or an active one, for the next decisions (a reloaded configuration):
   * it leaves the rotation under its old role and joins it under the new one. Its connections in
   * flight stay counted until they are released.
   *
   * @throws IllegalArgumentException when {@code member} is not one of {@link #members()}
   */
  void setBackup(Member member, boolean backup);

  /**
   * Adds a server to the backend, as HAProxy's {@code add server}. It joins the rotation at once if
   * it is usable with a weight above 0, and otherwise when {@link #setUsable} or {@link #setWeight}
   * puts it in: HAProxy creates such servers in maintenance, which {@link Member#Member(int,
   * String, int, int, boolean, boolean)} allows. Its id must be the number of servers ever added to
   * the backend, declared ones and removed ones included, so that no id is given twice.
   *
   * @throws IllegalArgumentException naming the server when its id is not the next one, or when one
   *     of {@link #members()} has its name
   */
  void add(Member member);

  /**
   * Removes a server from the backend, as HAProxy's {@code del server}: only a server out of the
   * rotation ({@link #setUsable} {@code false}) and with no connection in flight can go; the caller
   * also waits for the connections it queued for the server, which the scheduler does not see. From
   * then on the server is never picked nor acquired directly, {@link #members()} does not list it,
   * {@link #member(int)} does not find it, and {@link Member#removed()} holds. Its id is not given
   * to another server.
   *
   * @throws IllegalStateException naming the server and the reason when it is still usable or has
   *     connections in flight
   * @throws IllegalArgumentException naming the server when it is not one of {@link #members()}
   *     (never added, or removed already)
   */
  void remove(Member member);

  /**
   * The servers of the backend in id order: those declared, then those added, less those removed.
   * An unmodifiable snapshot, which later additions and removals do not change; once a server has
   * been removed, positions in it are no longer ids (see {@link #member(int)}).
   */
  List<Member> members();

  /**
   * The server whose id is {@code id}, or {@code null} when none has it (never added, or removed).
   */
  @Nullable Member member(int id);
}
