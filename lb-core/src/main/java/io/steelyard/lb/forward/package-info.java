/**
 * The forwarding runtime on Netty: listeners, sessions of two sides (client and server) and a
 * connector (assign, queue, connect, retry, redispatch), backends with their queues and servers,
 * timeouts. Everything here is package-private but {@link io.steelyard.lb.forward.Forwarding},
 * the one door through which the balancer starts it, changes it and reads it; sockets come from a
 * {@link io.steelyard.lb.transport.Transport}.
 */
package io.steelyard.lb.forward;
