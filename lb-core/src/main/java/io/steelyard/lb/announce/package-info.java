/**
 * Announcing a balancer's virtual address to routers through an existing routing daemon, BIRD 2
 * or ExaBGP 4, the way fleets of active balancers behind a router's ECMP do: {@link
 * io.steelyard.lb.announce.RouteAnnouncer} keeps the route announced while the balancer is healthy.
 */
@NullMarked
package io.steelyard.lb.announce;

import org.jspecify.annotations.NullMarked;
