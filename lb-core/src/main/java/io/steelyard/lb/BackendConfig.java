package io.steelyard.lb;

import io.steelyard.lb.schedule.Balance;
import java.time.Duration;
import java.util.List;

/**
 * A backend as configured: its servers and how connections are spread over them.
 *
 * @param name unique among backends
 * @param balance the algorithm that picks a server for each connection
 * @param servers in declaration order, names unique
 * @param connectTimeout the longest one connection attempt to a server may take
 * @param serverTimeout the longest the server side may stay inactive (HAProxy's {@code timeout
 *     server})
 * @param retries how many more attempts follow a failed connection attempt
 * @param redispatch whether the last retry (or any retry once the server is unusable) may go to
 *     another server
 */
public record BackendConfig(
    String name,
    Balance balance,
    List<ServerConfig> servers,
    Duration connectTimeout,
    Duration serverTimeout,
    int retries,
    boolean redispatch) {}
