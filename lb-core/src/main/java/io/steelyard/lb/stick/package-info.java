/**
 * Stick tables: which server each client went to, so that its next connections go there too.
 *
 * <p>A {@link io.steelyard.lb.stick.StickTable} is HAProxy's {@code stick-table type ip} with
 * {@code stick on src}: the forwarding layer {@linkplain io.steelyard.lb.stick.StickTable#open
 * opens} the client's entry when a connection picks its server (the first connection of a new
 * client reserves it, the others follow its server) and {@linkplain
 * io.steelyard.lb.stick.StickTable#connected confirms} it once the connection to the server is
 * established; the {@link io.steelyard.lb.stick.StickEntry} counts the connection until it closes. Entries expire a fixed time after they were last touched, and a full table purges the
 * least recently touched entry not in use to make room. The package is pure Java on Caffeine, with
 * no Netty types; servers are known by their id, their position in the backend.
 */
@NullMarked
package io.steelyard.lb.stick;

import org.jspecify.annotations.NullMarked;
