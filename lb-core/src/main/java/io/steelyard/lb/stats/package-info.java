/**
 * What a running balancer tells about itself: {@link io.steelyard.lb.stats.Stats} snapshots per
 * frontend, backend and server.
 */
package io.steelyard.lb.stats;
