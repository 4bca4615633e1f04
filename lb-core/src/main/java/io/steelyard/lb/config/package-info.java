/**
 * A balancer's configuration as immutable, validated records: what {@link
 * io.steelyard.lb.Balancer#builder()} builds and what the forwarding runtime starts from. Each
 * record is a value; a running balancer's changes through {@link io.steelyard.lb.Admin} do not
 * show here.
 */
@NullMarked
package io.steelyard.lb.config;

import org.jspecify.annotations.NullMarked;
