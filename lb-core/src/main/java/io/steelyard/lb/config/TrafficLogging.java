package io.steelyard.lb.config;

import io.steelyard.lb.log.LogSink;

/**
 * A frontend's connection log: HAProxy's {@code log} and {@code option tcplog}, one line per
 * finished connection.
 *
 * @param sink where the lines go
 * @param dontLogNull whether connections whose client sent no byte are left out (HAProxy's {@code
 *     option dontlognull}: probes and scans)
 */
public record TrafficLogging(LogSink sink, boolean dontLogNull) {}
