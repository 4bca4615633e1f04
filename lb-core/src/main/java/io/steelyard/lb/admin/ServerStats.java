package io.steelyard.lb.admin;

/**
 * A server at one moment.
 *
 * @param status {@code UP} while it takes connections, {@code DOWN} otherwise
 * @param weight its current weight
 * @param backup whether it is a backup server
 */
public record ServerStats(
    String name, String status, int weight, boolean backup, Traffic traffic) {}
