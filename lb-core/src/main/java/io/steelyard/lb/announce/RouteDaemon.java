package io.steelyard.lb.announce;

import java.io.IOException;

/**
 * A routing daemon that announces one route for a {@link RouteAnnouncer}, told through its own
 * control interface. Called from one thread at a time; it connects again by itself after the
 * daemon restarted.
 */
interface RouteDaemon extends AutoCloseable {
  /**
   * Announces the route ({@code true}) or withdraws it, and returns the daemon's answer.
   *
   * @throws IOException when the daemon cannot be reached or refuses, naming the daemon, the
   *     command and its answer
   */
  String announce(boolean announced) throws IOException;

  /** Drops the connection to the daemon, leaving the route as it was last told. */
  @Override
  void close();
}
