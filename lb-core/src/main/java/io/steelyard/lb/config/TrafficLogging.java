package io.steelyard.lb.config;

import io.steelyard.lb.log.LogFormat;
import io.steelyard.lb.log.LogSink;

/**
 * A frontend's connection log: HAProxy's {@code log} with {@code option tcplog} or {@code
 * log-format}, one line per finished connection.
 *
 * @param sink where the lines go
 * @param dontLogNull whether connections whose client sent no byte are left out (HAProxy's {@code
 *     option dontlognull}: probes and scans)
 * @param format the line's layout, {@link LogFormat#TCPLOG} unless told otherwise
 */
public record TrafficLogging(LogSink sink, boolean dontLogNull, LogFormat format) {}
