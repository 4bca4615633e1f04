/**
 * VRRP advertisements on the wire: the VRRPv2 (RFC 3768, with the RFC 2338 simple password that
 * keepalived still speaks) and VRRPv3 (RFC 5798, now RFC 9568) codec over IPv4, their checksums,
 * and the validation of received packets.
 *
 * <p>An {@link io.steelyard.vrrp.packet.Advertisement} is an immutable value: build one with
 * {@link io.steelyard.vrrp.packet.Advertisement#v2 v2(...)} or {@link
 * io.steelyard.vrrp.packet.Advertisement#v3 v3(...)}, send the bytes of {@link
 * io.steelyard.vrrp.packet.Advertisement#encodeIpv4 encodeIpv4(source, destination)} on a raw
 * socket with {@code IP_HDRINCL} (TTL 255, TOS 0xc0, protocol 112, to {@code 224.0.0.18}, as
 * keepalived does).
 *
 * <p>Received packets go through a {@link io.steelyard.vrrp.packet.ReceiveFilter}: it takes the
 * whole IPv4 datagram, exactly as a raw IPv4 socket returns it, because several checks need the IP
 * header (TTL, the total length, the source and destination of the VRRPv3 pseudo-header). It
 * checks in keepalived's order and never throws: a packet is either accepted or dropped with a
 * {@link io.steelyard.vrrp.packet.DropReason}; drops are counted per reason and logged at most
 * once per reason every ten seconds.
 */
@NullMarked
package io.steelyard.vrrp.packet;

import org.jspecify.annotations.NullMarked;
