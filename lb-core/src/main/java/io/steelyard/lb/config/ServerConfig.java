package io.steelyard.lb.config;

import io.steelyard.lb.health.AgentCheck;
import io.steelyard.lb.health.CheckSettings;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * One server of a backend, as configured.
 *
 * @param name unique in its backend
 * @param address where connections go
 * @param weight 0 to 256; its share of the connections relative to the others, 0 for none
 * @param maxConn the most concurrent connections, 0 for no limit
 * @param maxQueue the most clients waiting for this server, 0 for no limit
 * @param backup whether it takes connections only when no active server is usable
 * @param check how it is checked, or {@code null} when it is not
 * @param agent its agent check, or {@code null}
 * @param id its number in the backend, HAProxy's {@code id} (the {@code sid} of the stats, and
 *     the {@code server_id} of stick tables and peers); 0 to number it automatically
 */
public record ServerConfig(
    String name,
    InetSocketAddress address,
    int weight,
    int maxConn,
    int maxQueue,
    boolean backup,
    @Nullable CheckSettings check,
    @Nullable AgentCheck agent,
    int id) {}
