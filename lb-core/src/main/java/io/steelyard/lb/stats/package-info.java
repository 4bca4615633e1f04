/**
 * What a running balancer tells about itself, as immutable snapshots: {@link
 * io.steelyard.lb.stats.Stats} per frontend, backend and server with their statuses, {@link
 * io.steelyard.lb.stats.ConnectionInfo} per open connection, and the {@link
 * io.steelyard.lb.stats.Limits} it runs with.
 */
@NullMarked
package io.steelyard.lb.stats;

import org.jspecify.annotations.NullMarked;
