package io.steelyard.lb.peers;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Reads the fields of one message from {@code bytes[from, to)}: HAProxy's varints, big-endian
 * 32-bit integers, and byte strings. It never throws: the first field it cannot read sets a
 * {@link PeerRejection}, and every read after that returns 0 or an empty value.
 */
public final class PeerReader {
  private final byte[] bytes;
  private final int to;
  private int at;
  private @Nullable PeerRejection rejection;

  public PeerReader(byte[] bytes, int from, int to) {
    this.bytes = bytes;
    this.at = from;
    this.to = to;
  }

  /** A reader of all of {@code bytes}. */
  public static PeerReader of(byte[] bytes) {
    return new PeerReader(bytes, 0, bytes.length);
  }

  /**
   * A varint as HAProxy's {@code intdecode} reads it: below 240 one byte; else the first byte adds
   * its value, and each further byte adds its value shifted by 4, then 7 more bits each, while
   * that byte is at least 128.
   */
  public long varint() {
    if (!has(1)) {
      return 0;
    }
    long value = bytes[at++] & 0xFF;
    if (value < 240) {
      return value;
    }
    int shift = 4;
    for (int count = 1; ; count++) {
      if (!has(1)) {
        return 0;
      }
      int next = bytes[at++] & 0xFF;
      if (count > 9 || shift == 60 && next > 0x0F) {
        return fail(PeerRejection.BAD_VARINT);
      }
      value += (long) next << shift;
      shift += 7;
      if (next < 128) {
        return value;
      }
    }
  }

  /** A varint that must fit an int and be at least 0 and at most {@code max}. */
  public int varint(int max) {
    long value = varint();
    if (failed()) {
      return 0;
    }
    if (value < 0 || value > max) {
      return (int) fail(PeerRejection.TRUNCATED);
    }
    return (int) value;
  }

  /** A big-endian unsigned 32-bit integer. */
  public long u32() {
    if (!has(4)) {
      return 0;
    }
    long value = (bytes[at] & 0xFFL) << 24 | (bytes[at + 1] & 0xFF) << 16
        | (bytes[at + 2] & 0xFF) << 8 | bytes[at + 3] & 0xFF;
    at += 4;
    return value;
  }

  /** The next {@code length} bytes. */
  public byte[] bytes(int length) {
    if (length < 0 || !has(length)) {
      return new byte[0];
    }
    byte[] read = new byte[length];
    System.arraycopy(bytes, at, read, 0, length);
    at += length;
    return read;
  }

  /** A string of {@code length} bytes, one character each. */
  public String string(int length) {
    return new String(bytes(length), StandardCharsets.ISO_8859_1);
  }

  /** Whether every byte was read; else a {@link PeerRejection#TRUNCATED} (extra bytes). */
  public boolean atEnd() {
    if (!failed() && at != to) {
      fail(PeerRejection.TRUNCATED);
    }
    return at == to;
  }

  /** Bytes not read yet. */
  public int remaining() {
    return to - at;
  }

  public boolean failed() {
    return rejection != null;
  }

  /** The first reason a read failed, or {@code null}. */
  public @Nullable PeerRejection rejection() {
    return rejection;
  }

  /** Records {@code reason} unless a reason is recorded already; returns 0. */
  public long fail(PeerRejection reason) {
    if (rejection == null) {
      rejection = reason;
    }
    at = to;
    return 0;
  }

  private boolean has(int count) {
    if (failed()) {
      return false;
    }
    if (to - at < count) {
      fail(PeerRejection.TRUNCATED);
      return false;
    }
    return true;
  }
}
