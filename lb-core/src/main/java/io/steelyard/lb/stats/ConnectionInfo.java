package io.steelyard.lb.stats;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * One open client connection at one moment, as HAProxy's {@code show sess} lists them.
 *
 * @param frontend the frontend that accepted it
 * @param client the client's address and port
 * @param destination the address and port the client connected to: on a transparent frontend,
 *     the original destination (an address that need not be the balancer's own)
 * @param backend the backend it belongs to
 * @param server the server it is relayed to or waits for, or {@code null} while none is chosen
 * @param age how long it has been open
 */
public record ConnectionInfo(
    String frontend,
    InetSocketAddress client,
    InetSocketAddress destination,
    String backend,
    @Nullable String server,
    Duration age) {}
