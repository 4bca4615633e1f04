package io.steelyard.lb.peers;

import java.net.InetSocketAddress;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A {@link PeerSection} as HAProxy 2.6's {@code show peers} writes it: the section line, then each
 * remote peer with its status ({@code ESTA}, {@code CONN}, ...), last handshake, reconnection
 * timer and counters ({@code confirm}, {@code tx_hbt}, {@code rx_hbt}, {@code no_hbt}, {@code
 * new_conn}, {@code proto_err}, {@code coll}), and per shared table the ids both sides give it,
 * the data the peer's entries carry and the update ids acknowledged, pushed and received; then the
 * local peer. Steelyard's identity numbers stand where HAProxy prints pointers; the flags and task
 * counters HAProxy prints about its own scheduler are left out, and the section line says where
 * the resync stands and counts the entries applied, unresolved and rejected instead. Called on
 * the section's loop.
 */
final class ShowPeers {
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss", Locale.ENGLISH);

  private ShowPeers() {}

  static String describe(PeerSection section) {
    StringBuilder out = new StringBuilder();
    long now = System.nanoTime();
    out.append(pointer(section)).append(": [").append(section.started().format(DATE))
        .append("] id=").append(section.name()).append(" disabled=0 resync=")
        .append(section.resyncState()).append(' ').append(section.counters()).append('\n');
    for (RemotePeer peer : section.remotes()) {
      PeerSession session = peer.session != null && peer.session.open() ? peer.session : null;
      out.append("  ").append(pointer(peer)).append(": id=").append(peer.name())
          .append("(remote,").append(session != null ? "active" : "inactive").append(") addr=")
          .append(address(peer.config.address())).append(" last_status=").append(peer.statusWord())
          .append(" last_hdshk=").append(ago(peer.lastHandshakeAt, now)).append('\n')
          .append("        reconnect=").append(peer.reconnect == null ? "<NEVER>" : in(peer.reconnectAt, now))
          .append(" confirm=").append(peer.confirms)
          .append(" tx_hbt=").append(peer.heartbeatsSent)
          .append(" rx_hbt=").append(peer.heartbeatsReceived)
          .append(" no_hbt=").append(peer.heartbeatsMissed)
          .append(" new_conn=").append(peer.newConnections)
          .append(" proto_err=").append(peer.protocolErrors)
          .append(" coll=").append(peer.collisions).append('\n');
      sharedTables(out, section, peer, session);
    }
    out.append("  ").append(pointer(section.local())).append(": id=").append(section.localName())
        .append("(local,inactive) addr=").append(address(section.local().address()))
        .append(" last_status=NONE last_hdshk=<NEVER>\n");
    sharedTables(out, section, null, null);
    return out.toString();
  }

  private static void sharedTables(
      StringBuilder out,
      PeerSection section,
      @Nullable RemotePeer peer,
      @Nullable PeerSession session) {
    out.append("        shared tables:\n");
    List<ReplicatedTable> tables = section.tables();
    for (int i = 0; i < tables.size(); i++) {
      TableDefinition theirs = session == null ? null : session.peerDefinition(i);
      out.append("          ").append(pointer(tables.get(i))).append(" local_id=").append(i + 1)
          .append(" remote_id=").append(theirs == null ? 0 : theirs.id())
          .append(" remote_data=0x").append(Long.toHexString(theirs == null ? 0 : theirs.dataTypes()))
          .append('\n')
          .append("              last_acked=").append(peer == null ? 0 : peer.acked[i] & 0xFFFF_FFFFL)
          .append(" last_pushed=").append(session == null ? 0 : session.lastPushed() & 0xFFFF_FFFFL)
          .append(" last_get=").append(session == null ? 0 : session.lastReceived(i)).append('\n')
          .append("              table:").append(pointer(tables.get(i).table())).append(" id=")
          .append(tables.get(i).name()).append(" update=")
          .append((section.journal().next() - 1) & 0xFFFF_FFFFL).append('\n');
    }
  }

  private static String pointer(Object object) {
    return "0x" + Integer.toHexString(System.identityHashCode(object));
  }

  private static String address(InetSocketAddress address) {
    return address.getAddress().getHostAddress() + ":" + address.getPort();
  }

  private static String ago(long at, long now) {
    return at < 0 ? "<NEVER>" : TimeUnit.NANOSECONDS.toSeconds(now - at) + "s";
  }

  private static String in(long at, long now) {
    return Math.max(TimeUnit.NANOSECONDS.toSeconds(at - now), 0) + "s";
  }
}
