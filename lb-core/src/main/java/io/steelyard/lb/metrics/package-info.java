/**
 * Metrics for monitoring systems: HAProxy's Prometheus exporter ({@link
 * io.steelyard.lb.metrics.PrometheusExporter}, {@link io.steelyard.lb.metrics.PrometheusPage}).
 */
@NullMarked
package io.steelyard.lb.metrics;

import org.jspecify.annotations.NullMarked;
