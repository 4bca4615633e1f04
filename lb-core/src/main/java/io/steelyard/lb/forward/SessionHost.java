package io.steelyard.lb.forward;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import io.steelyard.lb.transport.ZeroCopyRelay;

/** What a session needs of the forwarder that accepted it. */
interface SessionHost {

  /** A bootstrap for connections to {@code backend}'s servers on {@code loop}. */
  Bootstrap outbound(EventLoop loop, Backend backend);

  /** The transport's relay that moves bytes without copying, or {@code null} to copy them all. */
  ZeroCopyRelay zeroCopyRelay();

  /** Connections open now over all frontends (HAProxy's actconn). */
  int activeConnections();

  void sessionStarted(Session session);

  void sessionEnded(Session session);
}
