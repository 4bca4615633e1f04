package io.steelyard.lb.health;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * Sends bytes to the server, HAProxy's {@code tcp-check send} and {@code send-binary}. The bytes
 * go out as they are: a line protocol's line ends are part of them.
 */
public final class CheckSend implements CheckRule {
  private final byte[] data;
  private final int timeAt;
  private final @Nullable String comment;

  private CheckSend(byte[] data, int timeAt, @Nullable String comment) {
    if (data.length == 0) {
      throw new IllegalArgumentException("a check's send must send at least one byte");
    }
    this.data = data;
    this.timeAt = timeAt;
    this.comment = comment;
  }

  /**
   * Sends {@code data} with the current Unix time, in seconds, written over the four bytes at
   * {@code offset} (big-endian), as an SSL hello carries it.
   */
  static CheckSend timed(byte[] data, int offset) {
    return new CheckSend(data.clone(), offset, null);
  }

  /** Sends {@code data}. */
  public static CheckSend bytes(byte[] data) {
    return new CheckSend(data.clone(), -1, null);
  }

  /** Sends {@code text} in ISO-8859-1, one byte per character, as HAProxy sends a string. */
  public static CheckSend string(String text) {
    return new CheckSend(CheckBytes.latin1("send", text), -1, null);
  }

  /** Sends the bytes that {@code hex} spells, two digits a byte ({@code send-binary}). */
  public static CheckSend binary(String hex) {
    return new CheckSend(CheckBytes.hex("send-binary", hex), -1, null);
  }

  /** This step, quoting {@code comment} when it fails. */
  public CheckSend comment(String comment) {
    return new CheckSend(data, timeAt, comment);
  }

  /** The bytes sent. */
  public byte[] data() {
    return data.clone();
  }

  /** The bytes to write for one run, with the time in them where the step asks for it. */
  ByteBuf outgoing() {
    if (timeAt < 0) {
      return Unpooled.wrappedBuffer(data);
    }
    ByteBuf out = Unpooled.buffer(data.length).writeBytes(data);
    out.setInt(timeAt, (int) (System.currentTimeMillis() / 1000));
    return out;
  }

  @Override
  public @Nullable String comment() {
    return comment;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CheckSend other
        && Arrays.equals(data, other.data)
        && timeAt == other.timeAt
        && java.util.Objects.equals(comment, other.comment);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "send-binary " + HexFormat.of().formatHex(data);
  }
}
