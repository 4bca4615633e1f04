/**
 * The sockets a balancer runs on, and what other modules plug in: a {@link
 * io.steelyard.lb.transport.Transport} (NIO, io_uring and epoll, copying or splicing, here; TPROXY
 * in lb-tproxy) chooses Netty's I/O handler and channel types, may set the options of transparent
 * listeners and outbound connections bound to a foreign {@link io.steelyard.lb.transport.Source},
 * and may offer a {@link io.steelyard.lb.transport.ZeroCopyRelay} that moves a session's bytes
 * without copying them.
 */
@NullMarked
package io.steelyard.lb.transport;

import org.jspecify.annotations.NullMarked;
