/**
 * Health checks with HAProxy's semantics: {@link io.steelyard.lb.health.Health} counts (pure
 * arithmetic, testable step by step), {@link io.steelyard.lb.health.HealthChecker} runs TCP checks
 * on an event loop, and {@link io.steelyard.lb.health.HealthListener}s hear what changes.
 */
package io.steelyard.lb.health;
