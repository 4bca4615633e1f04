/**
 * Steelyard, an embeddable TCP load balancer: {@link io.steelyard.lb.Balancer#builder()} describes
 * frontends and backends, {@code start()} runs them, {@code close()} stops them gracefully. The
 * configuration records here are immutable and validated.
 */
package io.steelyard.lb;
