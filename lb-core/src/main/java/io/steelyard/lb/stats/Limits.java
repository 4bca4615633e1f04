package io.steelyard.lb.stats;

/**
 * What bounds a running balancer's connections, as HAProxy's {@code show info} reports it.
 *
 * @param ulimitN the process's file descriptor limit ({@code ulimit -n}, the soft limit, which the
 *     JVM raises to the hard limit as it starts); 0 where the JVM does not tell it
 * @param maxSock the descriptors the balancer may use: its connections' at {@code maxConn}, plus
 *     those it holds anyway (listeners, event loops, the JVM's own files)
 * @param maxConn the most concurrent connections over all frontends: the configured global
 *     {@code maxconn}, or, when none is set, what the descriptor limit allows, as HAProxy derives it
 * @param derived whether {@code maxConn} was derived from the descriptor limit
 */
public record Limits(long ulimitN, long maxSock, int maxConn, boolean derived) {}
