package io.steelyard.lb.peers;

import org.jspecify.annotations.Nullable;

/**
 * A table as a peer defines it on a session ({@link PeerFrame#DEFINE}): the id its later messages
 * use, its name (the backend's), its key, the data its entries carry, and how long they live.
 * HAProxy ignores a table whose name, key type or key length are not those of its own table.
 *
 * @param id the sender's number for the table on this session, from 1
 * @param name the table's name
 * @param keyType {@link #KEY_IPV4}, {@link #KEY_IPV6}, or another of the protocol's key types
 * @param keyLength the key's length in bytes
 * @param dataTypes the data types the entries carry, one bit each ({@link #SERVER_ID}, {@link
 *     #SERVER_KEY}, ...)
 * @param expireMillis how long an entry lives without use
 * @param parameters what follows, for data types that take parameters (counters, arrays)
 */
public record TableDefinition(
    int id, String name, int keyType, int keyLength, long dataTypes, long expireMillis,
    byte[] parameters) {
  /** An integer key. */
  public static final int KEY_INTEGER = 2;
  /** An IPv4 address, 4 bytes: {@code stick-table type ip}. */
  public static final int KEY_IPV4 = 4;
  /** An IPv6 address, 16 bytes: {@code stick-table type ipv6}. */
  public static final int KEY_IPV6 = 5;
  /** A string key. */
  public static final int KEY_STRING = 6;
  /** A binary key. */
  public static final int KEY_BINARY = 7;

  /** The data type of the server's {@code id}, a varint. */
  public static final int SERVER_ID = 0;
  /** The data type of the server's name, through the session's {@link ServerKeyDictionary}. */
  public static final int SERVER_KEY = 19;

  /** The data of a {@code stick on src} table: the server's id and name. */
  public static final long STICK_ON_SOURCE = 1L << SERVER_ID | 1L << SERVER_KEY;

  /** A table of {@code stick on src} entries: IPv4 keys, server id and name. */
  public static TableDefinition stickOnSource(int id, String name, long expireMillis) {
    return new TableDefinition(id, name, KEY_IPV4, 4, STICK_ON_SOURCE, expireMillis, new byte[0]);
  }

  /** Whether Steelyard can read and write this table's entries: IP keys, server id and name. */
  public boolean replicable() {
    return (keyType == KEY_IPV4 && keyLength == 4 || keyType == KEY_IPV6 && keyLength == 16)
        && (dataTypes & ~STICK_ON_SOURCE) == 0;
  }

  /** Whether the entries carry data type {@code type}. */
  public boolean carries(int type) {
    return (dataTypes & 1L << type) != 0;
  }

  /** The payload of its {@link PeerFrame#DEFINE} message. */
  public byte[] payload() {
    return new PeerWriter()
        .varint(id).varint(name.length()).string(name).varint(keyType).varint(keyLength)
        .varint(dataTypes).varint(expireMillis).bytes(parameters)
        .toByteArray();
  }

  /** Reads a {@link PeerFrame#DEFINE} payload; {@code null} with the reason in {@code in}. */
  public static @Nullable TableDefinition read(PeerReader in) {
    int id = in.varint(Integer.MAX_VALUE);
    int nameLength = in.varint(PeerFrame.MAX_PAYLOAD);
    if (!in.failed() && (nameLength == 0 || id == 0)) {
      in.fail(PeerRejection.BAD_DEFINITION);
    }
    String name = in.string(nameLength);
    int keyType = in.varint(Integer.MAX_VALUE);
    int keyLength = in.varint(PeerFrame.MAX_PAYLOAD);
    long dataTypes = in.varint();
    long expire = in.remaining() > 0 ? in.varint() : 0;
    byte[] parameters = in.bytes(in.remaining());
    if (!in.failed() && (keyType < KEY_INTEGER || keyType > KEY_BINARY || keyType == 3)) {
      in.fail(PeerRejection.BAD_DEFINITION);
    }
    return in.failed()
        ? null
        : new TableDefinition(id, name, keyType, keyLength, dataTypes, expire, parameters);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TableDefinition other
        && id == other.id && name.equals(other.name) && keyType == other.keyType
        && keyLength == other.keyLength && dataTypes == other.dataTypes
        && expireMillis == other.expireMillis
        && java.util.Arrays.equals(parameters, other.parameters);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(id, name, keyType, keyLength, dataTypes, expireMillis);
  }
}
