package io.steelyard.lb.config;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A backend's stick table and rules on the client's source address.
 *
 * @param size the most entries
 * @param expire how long an entry lives after it was last matched or stored
 * @param match whether a known client goes to its stored server ({@code stick match src})
 * @param store whether a client's server is stored once connected ({@code stick store-request
 *     src}); both together are {@code stick on src}. Storing without matching makes nothing
 *     stick, as in HAProxy.
 * @param peers the {@link PeersConfig} section the table is replicated with, or {@code null}
 */
public record StickConfig(int size, Duration expire, boolean match, boolean store, @Nullable String peers) {}
