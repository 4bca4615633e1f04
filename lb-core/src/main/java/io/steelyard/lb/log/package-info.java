/**
 * The connection log: one HAProxy tcplog {@link io.steelyard.lb.log.LogLine} per finished
 * connection of a frontend that logs, to its {@link io.steelyard.lb.log.LogSink}, off the
 * forwarding threads.
 */
@NullMarked
package io.steelyard.lb.log;

import org.jspecify.annotations.NullMarked;
