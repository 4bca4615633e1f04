/**
 * The network side of the balancer on Netty: listeners, outbound connections, the relay between
 * them with flow control, half-close and timeouts, and the {@link io.steelyard.lb.transport.Transport}
 * through which other modules supply their own sockets and, optionally, a {@link
 * io.steelyard.lb.transport.ZeroCopyRelay} that moves bytes without copying them.
 */
package io.steelyard.lb.forward;
