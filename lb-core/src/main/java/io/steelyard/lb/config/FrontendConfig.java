package io.steelyard.lb.config;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A frontend as configured: where it listens and where its connections go.
 *
 * @param name unique among frontends
 * @param binds the addresses it listens on; port 0 takes an ephemeral port
 * @param defaultBackend the backend that receives its connections
 * @param maxConn the most concurrent connections it accepts; beyond that new ones wait in the
 *     kernel's accept queue
 * @param clientTimeout the longest the client side may stay inactive (HAProxy's {@code timeout
 *     client}); {@link Duration#ZERO} for no limit
 * @param transparent whether it accepts connections to addresses that are not local (TPROXY,
 *     HAProxy's {@code bind ... transparent})
 * @param clientKeepAlive TCP keep-alive on its clients' sockets (HAProxy's {@code option
 *     clitcpka}), or {@code null} for none
 * @param logging its connection log, or {@code null} for none (as HAProxy without a {@code log}
 *     line)
 */
public record FrontendConfig(
    String name,
    List<InetSocketAddress> binds,
    String defaultBackend,
    int maxConn,
    Duration clientTimeout,
    boolean transparent,
    @Nullable TcpKeepAlive clientKeepAlive,
    @Nullable TrafficLogging logging) {}
