package io.steelyard.lb.admin;

/**
 * A server at one moment.
 *
 * @param status {@code UP}, {@code DOWN} (checks fail), {@code DRAIN} or {@code MAINT} (set by an
 *     operator), as {@link io.steelyard.lb.health.ServerStatus} names them
 * @param weight its current weight
 * @param backup whether it is a backup server
 */
public record ServerStats(
    String name, String status, int weight, boolean backup, Traffic traffic) {}
