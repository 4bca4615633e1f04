package io.steelyard.lb.stats;

/**
 * A frontend at one moment.
 *
 * @param status {@code OPEN} while it accepts connections
 */
public record FrontendStats(String name, String status, Traffic traffic) {}
