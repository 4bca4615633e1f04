package io.steelyard.lb.stats;

import io.steelyard.lb.health.CheckStats;
import io.steelyard.lb.health.ServerStatus;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A server at one moment.
 *
 * @param status whether it takes new clients: checks and the operator's state combined
 * @param weight its current weight
 * @param backup whether it is a backup server
 * @param id its number in the backend, from 0 in declaration order, then in the order servers were
 *     added at run time; never reused (the scheduler's; HAProxy's is {@code sid})
 * @param address where its connections go
 * @param initialWeight the weight it was configured with
 * @param maxConn the most connections it takes at once, 0 for no limit
 * @param maxQueue the most clients waiting for it, 0 for no limit
 * @param lastChange when its status last changed, or when it was created
 * @param downtime how long it has been DOWN or in maintenance since it was created
 * @param check its health checks, or {@code null} when it is not checked
 * @param agent its agent check (health 1 while the agent says up, 0 while down), or {@code null}
 * @param sid HAProxy's id of the server: its configured {@code id}, else the smallest free one
 *     when it was created
 */
public record ServerStats(
    String name,
    ServerStatus status,
    int weight,
    boolean backup,
    Traffic traffic,
    int id,
    InetSocketAddress address,
    int initialWeight,
    int maxConn,
    int maxQueue,
    Instant lastChange,
    Duration downtime,
    @Nullable CheckStats check,
    @Nullable CheckStats agent,
    int sid) {}
