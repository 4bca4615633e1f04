/**
 * Steelyard, an embeddable TCP load balancer: {@link io.steelyard.lb.Balancer#builder()} describes
 * frontends and backends, {@code start()} runs them, {@code close()} stops them gracefully;
 * {@link io.steelyard.lb.Admin} changes it while it runs. The configuration it builds is in
 * {@link io.steelyard.lb.config}.
 */
package io.steelyard.lb;
