package io.steelyard.lb;

import java.time.Duration;
import java.util.List;

/**
 * A whole balancer as configured, validated and immutable: what {@link BalancerBuilder#build()}
 * returns and {@link Balancer#config()} reports.
 *
 * @param frontends in declaration order
 * @param backends in declaration order
 * @param maxConn the most concurrent connections over all frontends, HAProxy's global {@code
 *     maxconn}
 * @param drainTimeout how long {@link Balancer#close()} lets live connections finish
 * @param ioThreads the number of event loops
 */
public record BalancerConfig(
    List<FrontendConfig> frontends,
    List<BackendConfig> backends,
    int maxConn,
    Duration drainTimeout,
    int ioThreads) {}
