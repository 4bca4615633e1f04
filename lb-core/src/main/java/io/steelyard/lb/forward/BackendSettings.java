package io.steelyard.lb.forward;

import io.steelyard.lb.transport.Source;
import java.time.Duration;

/**
 * How a backend reaches its servers.
 *
 * @param connectTimeout the longest one connection attempt may take
 * @param serverTimeout the longest the server side may stay inactive
 * @param queueTimeout the longest a connection may wait in a queue for a free server
 * @param retries how many more attempts follow a failed one
 * @param redispatch whether the last retry, or any once the server is unusable, may go elsewhere
 * @param source what connections to servers are bound to, or {@code null} for the system's choice
 */
public record BackendSettings(
    Duration connectTimeout,
    Duration serverTimeout,
    Duration queueTimeout,
    int retries,
    boolean redispatch,
    Source source) {}
