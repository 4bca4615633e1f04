package io.steelyard.lb.schedule;

import java.util.List;

/**
 * A load-balancing algorithm, HAProxy's {@code balance} keyword: a factory of {@link Scheduler}s.
 *
 * <pre>{@code
 * backend.balance(Balance.leastConn());
 * }</pre>
 */
public interface Balance {

  /** The name HAProxy gives the algorithm, such as {@code leastconn}. */
  String name();

  /** A scheduler over {@code members}, whose ids are their positions in the list. */
  Scheduler newScheduler(List<Member> members);

  /**
   * The server with the fewest connections in flight relative to its weight; idle servers first,
   * equal loads in turn. HAProxy's {@code balance leastconn}, for long sessions.
   */
  static Balance leastConn() {
    return LeastConn.BALANCE;
  }

  /** Each server in turn in proportion to its weight, spread evenly. HAProxy's {@code roundrobin}. */
  static Balance roundRobin() {
    return RoundRobin.BALANCE;
  }

  /**
   * A hash of the client's address picks the server, weighted, so that a client keeps its server
   * while the set of usable servers does not change. HAProxy's {@code balance source}.
   */
  static Balance source() {
    return SourceHash.BALANCE;
  }

  /**
   * A hash of the client's address picks the server through a Maglev lookup table of 65,537 slots:
   * a client keeps its server while the servers do not change, and when one goes or comes, only
   * its own share of clients moves (under 1% of the others). Balancers with the same servers (by
   * name and weight) pick the same server for a client without sharing any state. HAProxy's {@code
   * balance source} with {@code hash-type consistent}.
   */
  static Balance sourceConsistent() {
    return sourceConsistent(MaglevTable.DEFAULT_SIZE);
  }

  /**
   * {@link #sourceConsistent()} over a table of {@code tableSize} slots: a prime, best at least 100
   * times the number of servers for shares within 1% of the weights.
   *
   * @throws IllegalArgumentException naming the size when it is not a prime above 2
   */
  static Balance sourceConsistent(int tableSize) {
    return new ConsistentSource(tableSize);
  }

  /**
   * The first server in declaration order that is below its maxconn takes the connection, so that
   * the fewest servers are busy. HAProxy's {@code balance first}.
   */
  static Balance first() {
    return First.BALANCE;
  }

  /**
   * The algorithm called {@code name} in HAProxy's configuration.
   *
   * @throws IllegalArgumentException naming the value when it is not one of {@code leastconn},
   *     {@code roundrobin}, {@code source}, {@code first}
   */
  static Balance named(String name) {
    switch (name) {
      case "leastconn":
        return leastConn();
      case "roundrobin":
        return roundRobin();
      case "source":
        return source();
      case "first":
        return first();
      default:
        throw new IllegalArgumentException(
            "unknown balance algorithm '" + name + "' (expected leastconn, roundrobin, source or first)");
    }
  }
}
