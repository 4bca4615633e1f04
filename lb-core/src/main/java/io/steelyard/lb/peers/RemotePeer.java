package io.steelyard.lb.peers;

import io.netty.util.concurrent.ScheduledFuture;
import io.steelyard.lb.config.PeerConfig;
import org.jspecify.annotations.Nullable;

/**
 * Another balancer of a {@link PeerSection}, across its sessions: the one session it has at a
 * time (whichever side opened it), how far it acknowledged each table, whether it speaks the
 * protocol's 2.0, and the counters {@code show peers} gives. Confined to the section's event loop.
 */
final class RemotePeer {
  /** HAProxy's status of a peer whose connection is under way. */
  static final int CONNECTING = 100;
  /** HAProxy's status of a peer connected and in its handshake. */
  static final int HANDSHAKING = 110;

  final PeerConfig config;
  /** Per table, the highest update number it acknowledged, 0 for none. */
  final long[] acked;
  /** Its session in any phase, or {@code null}. */
  @Nullable PeerSession session;
  /** It answered 502 to 2.1: greet it with 2.0, and teach it without times to live. */
  boolean speaks20;
  /** A connection to it failed: it is down, or not started yet. */
  boolean unreachable;
  /** It answered a resync with PARTIAL since the last full resync. */
  boolean answeredPartial;
  @Nullable ScheduledFuture<?> reconnect;
  long reconnectAt;
  /** The last handshake's status code, or {@link #CONNECTING}/{@link #HANDSHAKING}; 0: none. */
  int status;
  long lastHandshakeAt = -1;
  long newConnections;
  long collisions;
  long protocolErrors;
  long heartbeatsSent;
  long heartbeatsReceived;
  long heartbeatsMissed;
  long confirms;

  RemotePeer(PeerConfig config, int tables) {
    this.config = config;
    this.acked = new long[tables];
  }

  String name() {
    return config.name();
  }

  /** The status as {@code show peers} writes it: CONN, HSHK, ESTA, RETR, PROT, VERS, NAME, UNKN. */
  String statusWord() {
    return switch (status) {
      case CONNECTING -> "CONN";
      case HANDSHAKING -> "HSHK";
      case PeerHello.ACCEPTED -> "ESTA";
      case PeerHello.TRY_AGAIN -> "RETR";
      case PeerHello.PROTOCOL_ERROR -> "PROT";
      case PeerHello.BAD_VERSION -> "VERS";
      case PeerHello.WRONG_NAME -> "NAME";
      case PeerHello.UNKNOWN_PEER -> "UNKN";
      default -> "NONE";
    };
  }
}
