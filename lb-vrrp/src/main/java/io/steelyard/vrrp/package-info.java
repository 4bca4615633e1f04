/**
 * VRRP for Steelyard: moves a virtual IP between balancer hosts, wire-compatible with keepalived
 * 2.2.7 (VRRPv2 with its simple password, and VRRPv3, over IPv4 multicast).
 *
 * <p>The protocol is split so that almost all of it runs without a network:
 *
 * <ul>
 *   <li>{@link io.steelyard.vrrp.packet} encodes and decodes advertisements and validates what
 *       arrives, in keepalived's order, counting every drop by reason;
 *   <li>{@link io.steelyard.vrrp.state} is the state machine (Initialize, Backup, Master, Fault,
 *       Stop) with keepalived's timers, preemption and tracking: events and the current time go
 *       in, actions (send an advert, add the addresses, send gratuitous ARPs, …) come out. It owns
 *       no socket and no thread, so it is tested in simulated time.
 * </ul>
 *
 * <p>{@link io.steelyard.vrrp.script} runs keepalived's external scripts: tracked {@code
 * vrrp_script}s and {@code notify_*} scripts.
 *
 * <p>What remains is the Linux side that performs the actions: the raw IPPROTO 112 socket, adding
 * and deleting the addresses with rtnetlink, and gratuitous ARP on an AF_PACKET socket.
 */
@NullMarked
package io.steelyard.vrrp;

import org.jspecify.annotations.NullMarked;
