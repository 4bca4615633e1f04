package io.steelyard.lb.stats;

/** A frontend at one moment. */
public record FrontendStats(String name, FrontendStatus status, Traffic traffic) {}
