/**
 * Stick-table replication on HAProxy's peers protocol (2.1, with 2.0 understood): the wire format,
 * pure and total (a {@link io.steelyard.lb.peers.PeerReader} never throws; a message it cannot
 * read is a {@link io.steelyard.lb.peers.PeerRejection}, counted by reason), and the messages that
 * replicate a {@code stick on src} table: {@link io.steelyard.lb.peers.TableDefinition}, {@link
 * io.steelyard.lb.peers.TableUpdate}, acknowledgements and the control messages of a resync.
 */
@NullMarked
package io.steelyard.lb.peers;

import org.jspecify.annotations.NullMarked;
