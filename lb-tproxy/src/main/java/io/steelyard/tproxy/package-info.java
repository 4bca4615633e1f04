/**
 * Transparent proxying for Steelyard on epoll: {@code IP_TRANSPARENT} listeners, the client's
 * address as the source towards backends, splice relay and the routing rules that make it work.
 * Filled in by the TPROXY issue; today this module holds no code.
 */
package io.steelyard.tproxy;
