/**
 * Metrics for monitoring systems: HAProxy's Prometheus exporter ({@link
 * io.steelyard.lb.metrics.PrometheusExporter}, {@link io.steelyard.lb.metrics.PrometheusPage}).
 */
package io.steelyard.lb.metrics;
