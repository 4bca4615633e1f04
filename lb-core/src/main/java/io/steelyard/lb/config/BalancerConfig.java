package io.steelyard.lb.config;

import java.time.Duration;
import java.util.List;

/**
 * A whole balancer as configured, validated and immutable: what {@link
 * io.steelyard.lb.BalancerBuilder#build()} returns and {@link io.steelyard.lb.Balancer#config()}
 * reports.
 *
 * @param frontends in declaration order
 * @param backends in declaration order
 * @param maxConn the most concurrent connections over all frontends, HAProxy's global {@code
 *     maxconn}
 * @param drainTimeout how long {@link io.steelyard.lb.Balancer#close()} lets live connections
 *     finish
 * @param ioThreads the number of event loops
 * @param peers the sections of peers that stick tables are replicated with, in declaration order
 */
public record BalancerConfig(
    List<FrontendConfig> frontends,
    List<BackendConfig> backends,
    int maxConn,
    Duration drainTimeout,
    int ioThreads,
    List<PeersConfig> peers) {}
