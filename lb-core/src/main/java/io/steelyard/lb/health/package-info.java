/**
 * Health checks with HAProxy's semantics. What a check does is data: a {@link
 * io.steelyard.lb.health.Check} of {@code tcp-check} steps ({@link
 * io.steelyard.lb.health.CheckConnect}, {@link io.steelyard.lb.health.CheckSend}, {@link
 * io.steelyard.lb.health.CheckExpect}), HAProxy's ready-made checks among them, and an {@link
 * io.steelyard.lb.health.AgentCheck}. {@link io.steelyard.lb.health.Health} counts (pure
 * arithmetic, testable step by step); {@link io.steelyard.lb.health.HealthChecker} and {@link
 * io.steelyard.lb.health.AgentChecker} play the checks on the balancer's event loops and say what
 * changed, worded as HAProxy words it ({@link io.steelyard.lb.health.CheckOutcome}); {@link
 * io.steelyard.lb.health.HealthListener}s hear of it.
 */
@NullMarked
package io.steelyard.lb.health;

import org.jspecify.annotations.NullMarked;
