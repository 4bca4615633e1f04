/**
 * Steelyard's core: the builder and {@link io.steelyard.lb.Balancer}, scheduling, stick tables and
 * their replication, health checks, transports, statistics, the stats socket, logs and metrics.
 *
 * <p>Every package but the forwarding runtime ({@code io.steelyard.lb.forward}) is exported. The
 * Netty types the API shows (transports and their channels) come with it: a host that reads this
 * module reads Netty's transport modules too. Micrometer is optional: a host that binds {@link
 * io.steelyard.lb.metrics.SteelyardMetrics} brings {@code micrometer.core} itself. As with Netty, the
 * native transports' libraries are modules of their own that nothing requires, one per platform
 * ({@code io.netty.transport.epoll.linux.x86_64}, {@code io.netty.transport.io_uring.linux.x86_64}):
 * a modular host adds its platform's with {@code --add-modules}, or runs on NIO.
 */
@SuppressWarnings("requires-automatic") // micrometer.core
module io.steelyard.lb {
  requires transitive io.netty.buffer;
  requires transitive io.netty.common;
  requires transitive io.netty.handler;
  requires transitive io.netty.transport;
  requires transitive io.netty.transport.classes.epoll;
  requires transitive io.netty.transport.unix.common;
  requires io.netty.codec;
  requires io.netty.transport.classes.io_uring;
  requires com.github.benmanes.caffeine;
  requires java.management;
  requires jdk.httpserver;
  requires jdk.management;
  requires jdk.net;
  requires org.slf4j;
  requires static transitive org.jspecify;
  requires static micrometer.core;

  exports io.steelyard.lb;
  exports io.steelyard.lb.announce;
  exports io.steelyard.lb.cli;
  exports io.steelyard.lb.config;
  exports io.steelyard.lb.health;
  exports io.steelyard.lb.log;
  exports io.steelyard.lb.metrics;
  exports io.steelyard.lb.peers;
  exports io.steelyard.lb.schedule;
  exports io.steelyard.lb.stats;
  exports io.steelyard.lb.stick;
  exports io.steelyard.lb.transport;
}
