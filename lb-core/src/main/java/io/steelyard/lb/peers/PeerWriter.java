package io.steelyard.lb.peers;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes the fields of messages, as {@link PeerReader} reads them. */
public final class PeerWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** Writes {@code value} (unsigned) as HAProxy's {@code intencode} does. */
  public PeerWriter varint(long value) {
    if (Long.compareUnsigned(value, 240) < 0) {
      out.write((int) value);
      return this;
    }
    out.write((int) (value | 0xF0) & 0xFF);
    long rest = (value - 240) >>> 4;
    while (Long.compareUnsigned(rest, 128) >= 0) {
      out.write((int) (rest | 0x80) & 0xFF);
      rest = (rest - 128) >>> 7;
    }
    out.write((int) rest);
    return this;
  }

  /** Writes {@code value} as a big-endian 32-bit integer. */
  public PeerWriter u32(long value) {
    out.write((int) (value >>> 24) & 0xFF);
    out.write((int) (value >>> 16) & 0xFF);
    out.write((int) (value >>> 8) & 0xFF);
    out.write((int) value & 0xFF);
    return this;
  }

  public PeerWriter bytes(byte[] bytes) {
    out.writeBytes(bytes);
    return this;
  }

  /** Writes {@code text} one byte per character, without its length. */
  public PeerWriter string(String text) {
    return bytes(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  public byte[] toByteArray() {
    return out.toByteArray();
  }
}
