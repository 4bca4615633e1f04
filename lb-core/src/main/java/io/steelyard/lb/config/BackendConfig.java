package io.steelyard.lb.config;

import io.steelyard.lb.health.Check;
import io.steelyard.lb.schedule.Balance;
import io.steelyard.lb.transport.Source;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A backend as configured: its servers and how connections are spread over them.
 *
 * @param name unique among backends
 * @param balance the algorithm that picks a server for each connection
 * @param servers in declaration order, names unique
 * @param connectTimeout the longest one connection attempt to a server may take; {@link
 *     Duration#ZERO} for no limit
 * @param serverTimeout the longest the server side may stay inactive (HAProxy's {@code timeout
 *     server}); {@code ZERO} for no limit
 * @param queueTimeout the longest a connection may wait in a queue for a free server; {@code
 *     ZERO} for no limit
 * @param checkTimeout HAProxy's {@code timeout check}, or {@code null} when not set
 * @param check what its servers' checks do, unless a server has its own
 * @param retries how many more attempts follow a failed connection attempt
 * @param redispatch whether the last retry (or any retry once the server is unusable) may go to
 *     another server
 * @param stick the stick table and its rules, or {@code null}
 * @param source what connections to servers are bound to, or {@code null} for the system's choice
 * @param serverKeepAlive TCP keep-alive on its connections to servers (HAProxy's {@code option
 *     srvtcpka}), or {@code null} for none
 */
public record BackendConfig(
    String name,
    Balance balance,
    List<ServerConfig> servers,
    Duration connectTimeout,
    Duration serverTimeout,
    Duration queueTimeout,
    @Nullable Duration checkTimeout,
    Check check,
    int retries,
    boolean redispatch,
    @Nullable StickConfig stick,
    @Nullable Source source,
    @Nullable TcpKeepAlive serverKeepAlive) {}
