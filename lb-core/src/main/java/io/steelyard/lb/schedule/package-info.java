/**
 * Load-balancing algorithms: which server of a backend takes the next connection.
 *
 * <p>A {@link io.steelyard.lb.schedule.Balance} (HAProxy's {@code balance} keyword) makes a {@link
 * io.steelyard.lb.schedule.Scheduler} over the backend's {@link io.steelyard.lb.schedule.Member}s.
 * The package is pure Java, with no Netty types, so that the algorithms can be tested and
 * benchmarked on their own. Schedulers are thread-safe: each holds its own lock for a few steps per
 * call, O(log n) for n servers, and allocates nothing on {@code acquire}, {@code acquireDirect} and
 * {@code release} beyond the copy of the client's address that {@code source} hashes. Servers may
 * be added and removed at runtime, as with HAProxy's {@code add server} and {@code del server}.
 */
@NullMarked
package io.steelyard.lb.schedule;

import org.jspecify.annotations.NullMarked;
