package io.steelyard.lb.health;

/**
 * A server changed status.
 *
 * @param backend the backend's name
 * @param server the server's name
 * @param status what it does now
 * @param message the line HAProxy would log, such as {@code Server bk/s1 is DOWN, reason: Layer4
 *     connection problem, info: "Connection refused", check duration: 0ms. 1 active and 0 backup
 *     servers left. 0 sessions active, 0 requeued, 0 remaining in queue.}
 */
public record ServerEvent(String backend, String server, ServerStatus status, String message) {}
