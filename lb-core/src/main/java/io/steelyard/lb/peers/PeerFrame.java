package io.steelyard.lb.peers;

import java.util.Arrays;

/**
 * One message of the peers protocol: a class byte, a type byte, and for types of 128 and more a
 * varint length and that many bytes of payload.
 *
 * @param messageClass {@link #CONTROL}, {@link #ERROR} or {@link #STICK_TABLE}
 * @param type the type within the class, such as {@link #UPDATE}
 * @param payload the bytes after the length; empty for the types below 128, which carry none
 */
public record PeerFrame(int messageClass, int type, byte[] payload) {
  /** The class of the control messages. */
  public static final int CONTROL = 0;
  /** The class of the error messages. */
  public static final int ERROR = 1;
  /** The class of the stick-table messages. */
  public static final int STICK_TABLE = 10;

  /** Control: the sender wants the whole table (a resync). */
  public static final int RESYNC_REQUEST = 0;
  /** Control: a resync is over, the whole table sent. */
  public static final int RESYNC_FINISHED = 1;
  /** Control: a resync is over, but the sender had not all of the table itself. */
  public static final int RESYNC_PARTIAL = 2;
  /** Control: the learner confirms the end of a resync. */
  public static final int RESYNC_CONFIRM = 3;
  /** Control: the sender is alive (every 3 s of silence). */
  public static final int HEARTBEAT = 4;

  /** Error: the receiver could not read a message. */
  public static final int PROTOCOL_ERROR = 0;
  /** Error: a message was too large. */
  public static final int SIZE_ERROR = 1;

  /** Stick table: an entry, with its update id. */
  public static final int UPDATE = 0x80;
  /** Stick table: an entry, its update id the last one plus one. */
  public static final int INCREMENTAL_UPDATE = 0x81;
  /** Stick table: the table the next messages are about, and its shape. */
  public static final int DEFINE = 0x82;
  /** Stick table: the next messages are about a table defined before. */
  public static final int SWITCH = 0x83;
  /** Stick table: updates up to an id were applied. */
  public static final int ACK = 0x84;
  /** Stick table: an {@link #UPDATE} with the entry's remaining time to live. */
  public static final int TIMED_UPDATE = 0x85;
  /** Stick table: an {@link #INCREMENTAL_UPDATE} with the entry's remaining time to live. */
  public static final int TIMED_INCREMENTAL_UPDATE = 0x86;

  /** The largest payload read or written, HAProxy's default buffer size. */
  public static final int MAX_PAYLOAD = 16_384;

  /** A message of a type below 128, without payload. */
  public static PeerFrame of(int messageClass, int type) {
    return new PeerFrame(messageClass, type, new byte[0]);
  }

  /** The message as it goes on the wire. */
  public byte[] encode() {
    PeerWriter out = new PeerWriter();
    out.bytes(new byte[] {(byte) messageClass, (byte) type});
    if (type >= 0x80) {
      out.varint(payload.length).bytes(payload);
    }
    return out.toByteArray();
  }

  /**
   * The first message in {@code bytes[from, to)}: a {@link Decoded} frame and how many bytes it
   * took, {@link #NEED_MORE} when the bytes end before it does, or a {@link Rejected} reason. It
   * never throws.
   */
  public static Decoding decode(byte[] bytes, int from, int to) {
    if (to - from < 2) {
      return NEED_MORE;
    }
    int messageClass = bytes[from] & 0xFF;
    int type = bytes[from + 1] & 0xFF;
    if (messageClass != CONTROL && messageClass != ERROR && messageClass != STICK_TABLE) {
      return new Rejected(PeerRejection.UNKNOWN_CLASS);
    }
    if (!known(messageClass, type)) {
      return new Rejected(PeerRejection.UNKNOWN_TYPE);
    }
    if (type < 0x80) {
      return new Decoded(of(messageClass, type), 2);
    }
    PeerReader reader = new PeerReader(bytes, from + 2, to);
    long length = reader.varint();
    PeerRejection rejection = reader.rejection();
    if (rejection == PeerRejection.TRUNCATED) {
      return NEED_MORE;
    }
    if (rejection != null) {
      return new Rejected(rejection);
    }
    if (length < 0 || length > MAX_PAYLOAD) {
      return new Rejected(PeerRejection.TOO_LARGE);
    }
    if (reader.remaining() < length) {
      return NEED_MORE;
    }
    int header = to - from - reader.remaining();
    byte[] payload = reader.bytes((int) length);
    return new Decoded(new PeerFrame(messageClass, type, payload), header + (int) length);
  }

  private static boolean known(int messageClass, int type) {
    return switch (messageClass) {
      case CONTROL -> type <= HEARTBEAT;
      case ERROR -> type <= SIZE_ERROR;
      default -> type >= UPDATE && type <= TIMED_INCREMENTAL_UPDATE;
    };
  }

  /** What {@link #decode} found. */
  public sealed interface Decoding permits Decoded, NeedMore, Rejected {}

  /** A message, which took {@code length} bytes. */
  public record Decoded(PeerFrame frame, int length) implements Decoding {}

  /** The bytes end inside the message. */
  public enum NeedMore implements Decoding {
    INSTANCE
  }

  /** The bytes are not a message. */
  public record Rejected(PeerRejection reason) implements Decoding {}

  /** The bytes end inside the message. */
  public static final NeedMore NEED_MORE = NeedMore.INSTANCE;

  @Override
  public boolean equals(Object o) {
    return o instanceof PeerFrame other
        && messageClass == other.messageClass
        && type == other.type
        && Arrays.equals(payload, other.payload);
  }

  @Override
  public int hashCode() {
    return (messageClass * 31 + type) * 31 + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "PeerFrame[" + messageClass + "/" + type + ", " + payload.length + " bytes]";
  }
}
