package io.steelyard.lb;

import java.util.List;

/**
 * What {@link Balancer#reconfigure} changed, one line per change in the order applied, such as
 * {@code backend 'bk': server 's3' added}; empty when the new configuration is the running one.
 *
 * @param changes the changes, as sentences for a log
 */
public record Reconfiguration(List<String> changes) {}
