package io.steelyard.lb.health;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Reads one MySQL packet of a check's answer, as HAProxy's {@code mysql-check} does: the server's
 * greeting (the first packet), or the answer to the login (the packet after it). A packet that
 * starts with 0xFF is an error: {@code L7STS} with the error number as the code and the server's
 * words as the info; any other whole packet passes, and a cut one is {@code L7RSP}.
 */
enum MysqlPacket implements ResponseParser {
  /** The greeting the server sends first. */
  GREETING,
  /** The answer to the login, after the greeting. */
  LOGIN_ANSWER;

  private static final int HEADER = 4;

  @Override
  public @Nullable CheckOutcome judge(byte[] answer, int length, boolean more) {
    int offset = this == GREETING ? 0 : HEADER + packetLength(answer, 0, length);
    if (length < offset + HEADER) {
      return more ? null : CheckOutcome.of(CheckStatus.L7RSP, "");
    }
    int size = packetLength(answer, offset, length);
    if (length < offset + HEADER + size) {
      return more ? null : CheckOutcome.of(CheckStatus.L7RSP, "");
    }
    if (answer[offset + HEADER] == (byte) 0xFF) {
      int error = (answer[offset + 5] & 0xFF) | (answer[offset + 6] & 0xFF) << 8;
      int from = Math.min(offset + 7, length);
      return new CheckOutcome(
          CheckStatus.L7STS,
          error,
          new String(answer, from, length - from, StandardCharsets.ISO_8859_1));
    }
    return CheckOutcome.of(CheckStatus.L7OK, "");
  }

  /** The payload length of the packet at {@code offset}: three bytes, little-endian. */
  private static int packetLength(byte[] answer, int offset, int length) {
    if (length < offset + 3) {
      return 0;
    }
    return (answer[offset] & 0xFF)
        | (answer[offset + 1] & 0xFF) << 8
        | (answer[offset + 2] & 0xFF) << 16;
  }
}
