/**
 * Transparent proxying for Steelyard on epoll: {@code IP_TRANSPARENT} listeners, the client's
 * address as the source towards backends, epoll's splice relay when asked, and the {@link
 * io.steelyard.tproxy.RoutingRules} that make the host deliver the backends' replies to the
 * balancer.
 */
@NullMarked
package io.steelyard.tproxy;

import org.jspecify.annotations.NullMarked;
