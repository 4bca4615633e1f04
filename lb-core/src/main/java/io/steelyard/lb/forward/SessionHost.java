package io.steelyard.lb.forward;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.steelyard.lb.config.TrafficLogging;
import io.steelyard.lb.transport.Transport;
import io.steelyard.lb.transport.ZeroCopyRelay;

/** What a session needs of the forwarder that accepted it. */
interface SessionHost {

  /**
   * A channel for a connection to one of {@code backend}'s servers, with its options and {@code
   * handler}, registered with {@code loop}, which is the caller's: ready to connect.
   */
  Channel serverChannel(EventLoop loop, Backend backend, ChannelHandler handler);

  /** The transport its sockets run on. */
  Transport transport();

  /** The transport's relay that moves bytes without copying, or {@code null} to copy them all. */
  ZeroCopyRelay zeroCopyRelay();

  /** Connections open now over all frontends (HAProxy's actconn). */
  int activeConnections();

  void sessionStarted(Session session);

  void sessionEnded(Session session);

  /** Logs a finished session of a frontend that logs, off the forwarding thread. */
  void log(TrafficLogging logging, FinishedSession session);
}
