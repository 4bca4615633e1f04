/**
 * Announcing a balancer's virtual address to routers through an existing routing daemon, the way
 * fleets of active balancers behind a router's ECMP do: {@link io.steelyard.lb.announce.BirdAnnouncer}
 * keeps BIRD's protocol for the address enabled while the balancer is healthy.
 */
package io.steelyard.lb.announce;
