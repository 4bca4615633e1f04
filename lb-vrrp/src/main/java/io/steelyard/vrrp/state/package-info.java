/**
 * The VRRP state machine, pure: no socket, no thread, no clock.
 *
 * <p>An {@link io.steelyard.vrrp.state.InstanceConfig} describes one instance the way keepalived's
 * {@code vrrp_instance} does, with keepalived's defaults, checks and repairs. A {@link
 * io.steelyard.vrrp.state.VrrpMachine} runs it: the runner feeds it events with the current time
 * ({@code start}, {@code advertReceived}, {@code trackResult}, {@code stop}, and {@code tick} when
 * {@code nextDeadline()} comes) and performs the {@link io.steelyard.vrrp.state.Action}s it gets
 * back, in order: send an advert, add or remove the virtual addresses, send gratuitous ARPs, and
 * tell the {@link io.steelyard.vrrp.state.StateListener}s about each {@link
 * io.steelyard.vrrp.state.Transition} and its {@link io.steelyard.vrrp.state.Reason}.
 *
 * <pre>{@code
 * VrrpMachine vrrp = VrrpMachine.create(config, primaryAddress);
 * perform(vrrp.start(System.nanoTime()));
 * // on a received datagram:
 * if (filter.check(datagram, now) instanceof Verdict.Accepted a) {
 *   perform(vrrp.advertReceived(now, a.source(), a.advertisement()));
 * }
 * // when vrrp.nextDeadline() is reached:
 * perform(vrrp.tick(now));
 * }</pre>
 *
 * <p>Because time is an argument, the whole protocol (timers, preemption, priority 0, tracking) is
 * tested in simulated time, several machines exchanging real datagrams on a simulated LAN.
 */
@NullMarked
package io.steelyard.vrrp.state;

import org.jspecify.annotations.NullMarked;
