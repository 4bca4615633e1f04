/**
 * VRRP on Linux: the raw IP protocol 112 socket ({@link io.steelyard.vrrp.linux.RawVrrpSocket}),
 * the interface facts an instance needs ({@link io.steelyard.vrrp.linux.LinuxInterface}), the
 * virtual addresses through rtnetlink, the gratuitous ARPs through an {@code AF_PACKET} socket,
 * link changes through an rtnetlink subscription, and the runner that drives a {@link
 * io.steelyard.vrrp.state.VrrpMachine} with them ({@link io.steelyard.vrrp.linux.VrrpInstance}).
 *
 * <p>System calls go through JNA to the C library; nothing here loads a native library of its own
 * or runs a command. The raw sockets need {@code CAP_NET_RAW}; adding and removing the virtual
 * addresses needs {@code CAP_NET_ADMIN}; an instance checks both when it starts. Everything a
 * socket touches belongs to the network namespace of the thread that created it, which is how the
 * tests run several routers in one JVM.
 */
@NullMarked
package io.steelyard.vrrp.linux;

import org.jspecify.annotations.NullMarked;
