package io.steelyard.lb.peers;

import io.steelyard.lb.stick.StickServers;
import io.steelyard.lb.stick.StickTable;

/**
 * A stick table that a {@link PeerSection} replicates: its name on the wire (the backend's, as
 * HAProxy names a backend's table), the table, and its servers by name and id.
 */
public record ReplicatedTable(String name, StickTable table, StickServers servers) {}
