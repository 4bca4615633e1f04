package io.steelyard.lb.schedule;

import java.net.InetAddress;
import java.util.List;

/**
 * Chooses the server for each new connection of one backend.
 *
 * <p>{@link #acquire} picks a server and counts the connection in flight on it until {@link
 * #release}. A scheduler never picks a server that is not usable, has weight 0 or is at its
 * maxconn. Backup servers are picked only while no active server is usable with a weight above 0
 * (HAProxy's rule: then the first such backup in declaration order takes them all). An active
 * server that is merely at its maxconn still counts, so that {@link #acquire} returns {@code null}
 * rather than spill to the backups.
 *
 * <p>Implementations are thread-safe and take O(log n) or less per {@link #acquire} and {@link
 * #release} for n servers; {@code source} may take longer while servers are at their maxconn, and
 * takes O(W log n) for a total weight W to re-lay its table on {@link #setWeight} and {@link
 * #setUsable}.
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
  Member acquire(InetAddress client, Member avoid);

  /**
   * Ends a connection that {@link #acquire} counted on {@code member}.
   *
   * @throws IllegalStateException naming the server when it has no connection in flight (a
   *     connection released twice)
   * @throws IllegalArgumentException when {@code member} is not one of {@link #members()}
   */
  void release(Member member);

  /**
   * Changes a server's weight (0 to {@value Member#MAX_WEIGHT}) for the next decisions.
   *
   * @throws IllegalArgumentException naming the server and the value when the weight is out of
   *     range, or when {@code member} is not one of {@link #members()}
   */
  void setWeight(Member member, int weight);

  /**
   * Takes a server in or out of the rotation (health checks, maintenance). Its connections in
   * flight stay counted until they are released.
   *
   * @throws IllegalArgumentException when {@code member} is not one of {@link #members()}
   */
  void setUsable(Member member, boolean usable);

  /** The servers of the backend in declaration order. */
  List<Member> members();
}
