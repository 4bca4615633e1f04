package io.steelyard.lb;

import org.jspecify.annotations.Nullable;

/**
 * How a balancer's reconfigurations went since it started: what {@code show info} reports of its
 * reloads.
 *
 * @param applied the reconfigurations applied, those that changed nothing included
 * @param failed those refused: a configuration that could not be built (a file with mistakes) or
 *     not applied to the running balancer
 * @param lastFailure why the last failed one failed, or {@code null} when none did
 * @param lastFailed whether the last one failed
 */
public record Reconfigurations(long applied, long failed, @Nullable String lastFailure, boolean lastFailed) {}
