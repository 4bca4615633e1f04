package io.steelyard.lb.peers;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes the fields of messages, as {@link PeerReader} reads them, into a growing array that
 * {@link #reset()} empties for the next message without allocating again.
 */
public final class PeerWriter {
  private byte[] bytes = new byte[64];
  private int size;

  /** Writes {@code value} (unsigned) as HAProxy's {@code intencode} does. */
  public PeerWriter varint(long value) {
    if (Long.compareUnsigned(value, 240) < 0) {
      return put((int) value);
    }
    put((int) (value | 0xF0) & 0xFF);
    long rest = (value - 240) >>> 4;
    while (Long.compareUnsigned(rest, 128) >= 0) {
      put((int) (rest | 0x80) & 0xFF);
      rest = (rest - 128) >>> 7;
    }
    return put((int) rest);
  }

  /** Writes {@code value} as a big-endian 32-bit integer. */
  public PeerWriter u32(long value) {
    return put((int) (value >>> 24) & 0xFF).put((int) (value >>> 16) & 0xFF)
        .put((int) (value >>> 8) & 0xFF).put((int) value & 0xFF);
  }

  public PeerWriter bytes(byte[] more) {
    ensure(more.length);
    System.arraycopy(more, 0, bytes, size, more.length);
    size += more.length;
    return this;
  }

  /** Writes {@code text} one byte per character, without its length. */
  public PeerWriter string(String text) {
    return bytes(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Empties the writer, keeping its array. */
  public PeerWriter reset() {
    size = 0;
    return this;
  }

  /** How many bytes were written. */
  public int size() {
    return size;
  }

  /** The array the bytes are in, from index 0 to {@link #size()}; valid until the next write. */
  public byte[] array() {
    return bytes;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(bytes, size);
  }

  private PeerWriter put(int b) {
    ensure(1);
    bytes[size++] = (byte) b;
    return this;
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
    }
  }
}
