package io.steelyard.lb.peers;

import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One entry of a table as a peer sends it ({@link PeerFrame#UPDATE} and its incremental and timed
 * forms): the update's id, the entry's remaining time to live when timed, its key, and the data
 * its table carries, in the order of their types.
 *
 * @param updateId the update's number, or -1 for an incremental update (the last one plus one)
 * @param ttlMillis the entry's remaining time to live in a timed update, or -1 (the table's
 *     expiry then applies)
 * @param key the key's bytes: 4 for IPv4, 16 for IPv6, in network order
 * @param serverId the server's {@code id}, or -1 when the table does not carry it
 * @param serverName the server's name, or {@code null} when none is given
 */
public record TableUpdate(long updateId, long ttlMillis, byte[] key, int serverId, @Nullable String serverName) {

  /** The message type that carries it: timed or not, incremental or not. */
  public int type() {
    if (ttlMillis >= 0) {
      return updateId < 0 ? PeerFrame.TIMED_INCREMENTAL_UPDATE : PeerFrame.TIMED_UPDATE;
    }
    return updateId < 0 ? PeerFrame.INCREMENTAL_UPDATE : PeerFrame.UPDATE;
  }

  /** The payload of its message, for {@code table}, naming servers through {@code names}. */
  public byte[] payload(TableDefinition table, ServerKeyDictionary names) {
    PeerWriter out = new PeerWriter();
    write(table, names, out);
    return out.toByteArray();
  }

  /** Writes the payload of its message to {@code out}, as {@link #payload} returns it. */
  public void write(TableDefinition table, ServerKeyDictionary names, PeerWriter out) {
    if (updateId >= 0) {
      out.u32(updateId);
    }
    if (ttlMillis >= 0) {
      out.u32(ttlMillis);
    }
    out.bytes(key);
    if (table.carries(TableDefinition.SERVER_ID)) {
      out.varint(Math.max(serverId, 0));
    }
    if (table.carries(TableDefinition.SERVER_KEY)) {
      names.write(serverName, out);
    }
  }

  /**
   * Reads the payload of a message of {@code type} for {@code table}, with the server names of
   * {@code names}; {@code null} with the reason in {@code in}.
   */
  public static @Nullable TableUpdate read(
      int type, PeerReader in, TableDefinition table, ServerKeyDictionary names) {
    if (!table.replicable()) {
      in.fail(PeerRejection.UNSUPPORTED_DATA);
      return null;
    }
    boolean numbered = type == PeerFrame.UPDATE || type == PeerFrame.TIMED_UPDATE;
    boolean timed = type == PeerFrame.TIMED_UPDATE || type == PeerFrame.TIMED_INCREMENTAL_UPDATE;
    long updateId = numbered ? in.u32() : -1;
    long ttl = timed ? in.u32() : -1;
    byte[] key = in.bytes(table.keyLength());
    int serverId = -1;
    if (table.carries(TableDefinition.SERVER_ID)) {
      long id = in.varint();
      serverId = id > Integer.MAX_VALUE || id < 0 ? (int) in.fail(PeerRejection.TRUNCATED) : (int) id;
    }
    String name = table.carries(TableDefinition.SERVER_KEY) ? names.read(in) : null;
    in.atEnd();
    return in.failed() ? null : new TableUpdate(updateId, ttl, key, serverId, name);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TableUpdate other
        && updateId == other.updateId && ttlMillis == other.ttlMillis
        && Arrays.equals(key, other.key) && serverId == other.serverId
        && Objects.equals(serverName, other.serverName);
  }

  @Override
  public int hashCode() {
    return Objects.hash(updateId, ttlMillis, Arrays.hashCode(key), serverId, serverName);
  }

  @Override
  public String toString() {
    return "TableUpdate[" + updateId + ", ttl " + ttlMillis + ", " + Arrays.toString(key) + ", "
        + serverId + ", " + serverName + "]";
  }
}
