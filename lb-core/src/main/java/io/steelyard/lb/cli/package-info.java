/**
 * HAProxy's runtime API on a Unix-domain or loopback TCP socket ({@link
 * io.steelyard.lb.cli.StatsSocket}), so that {@code socat}, {@code hatop} and the scripts written
 * for HAProxy's {@code stats socket} work on a Steelyard balancer. Built only on the balancer's
 * public face: {@link io.steelyard.lb.Balancer#stats()} and {@link io.steelyard.lb.Admin}.
 */
@NullMarked
package io.steelyard.lb.cli;

import org.jspecify.annotations.NullMarked;
