package io.steelyard.lb.config;

import java.net.InetSocketAddress;

/**
 * One peer of a {@link PeersConfig}: HAProxy's {@code peer <name> <ip>:<port>}.
 *
 * @param name the peer's name, which it gives in its greeting and expects in ours
 * @param address where it listens; for the local peer, where this balancer listens for the others
 */
public record PeerConfig(String name, InetSocketAddress address) {}
