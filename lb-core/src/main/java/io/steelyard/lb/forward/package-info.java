/**
 * The network side of the balancer on Netty: listeners, outbound connections, the relay between
 * them with flow control, half-close and timeouts, and the {@link io.steelyard.lb.forward.Transport}
 * through which other modules supply their own sockets.
 */
package io.steelyard.lb.forward;
