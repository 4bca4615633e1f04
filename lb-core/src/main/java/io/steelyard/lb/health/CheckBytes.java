package io.steelyard.lb.health;

import java.util.HexFormat;

/** The bytes of a check's arguments: text one byte per character, or hex two digits a byte. */
final class CheckBytes {
  private CheckBytes() {}

  /** {@code text} in ISO-8859-1; {@code what} names the argument in the error. */
  static byte[] latin1(String what, String text) {
    byte[] bytes = new byte[text.length()];
    for (int i = 0; i < bytes.length; i++) {
      char c = text.charAt(i);
      if (c > 0xFF) {
        throw new IllegalArgumentException(
            what + " takes one byte per character, but '" + c + "' at position " + (i + 1)
                + " of '" + text + "' is not one");
      }
      bytes[i] = (byte) c;
    }
    return bytes;
  }

  /** The bytes {@code hex} spells; {@code what} names the argument in the error. */
  static byte[] hex(String what, String hex) {
    if (hex.isEmpty() || hex.length() % 2 != 0) {
      throw new IllegalArgumentException(
          what + " expects an even number of hex digits, but got '" + hex + "'");
    }
    try {
      return HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          what + " expects hex digits only, but got '" + hex + "'", e);
    }
  }
}
