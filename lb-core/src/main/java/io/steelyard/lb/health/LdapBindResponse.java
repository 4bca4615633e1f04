package io.steelyard.lb.health;

import org.jspecify.annotations.Nullable;

/**
 * Reads an LDAPv3 bind response, as HAProxy's {@code ldap-check} does: message 1, a bind
 * response, its result code 0 for success. Another result code is {@code L7STS} with that code;
 * anything that is not such a response is {@code L7RSP}, "Not LDAPv3 protocol".
 */
final class LdapBindResponse implements ResponseParser {
  static final LdapBindResponse INSTANCE = new LdapBindResponse();

  private static final byte[] BIND_RESPONSE_OF_MESSAGE_1 = {0x02, 0x01, 0x01, 0x61};
  private static final String NOT_LDAP = "Not LDAPv3 protocol";

  private LdapBindResponse() {}

  @Override
  public @Nullable CheckOutcome judge(byte[] answer, int length, boolean more) {
    if (length < 2) {
      return tooShort(more);
    }
    int at = 1;
    int lengthBytes = 0;
    long messageLength;
    if ((answer[at] & 0x80) != 0) {
      lengthBytes = answer[at] & 0x7F;
      if (length < 1 + lengthBytes) {
        return tooShort(more);
      }
      if (lengthBytes != 2 && lengthBytes != 4) {
        return CheckOutcome.of(CheckStatus.L7RSP, NOT_LDAP);
      }
      messageLength = 0;
      for (int i = 0; i < lengthBytes; i++) {
        messageLength = messageLength << 8 | (answer[at + 1 + i] & 0xFF);
      }
    } else {
      messageLength = answer[at] & 0xFF;
    }
    at += 1 + lengthBytes;
    if (length < 2 + lengthBytes + messageLength) {
      return tooShort(more);
    }
    if (!startsWith(answer, length, at, BIND_RESPONSE_OF_MESSAGE_1)) {
      return CheckOutcome.of(CheckStatus.L7RSP, NOT_LDAP);
    }
    at += BIND_RESPONSE_OF_MESSAGE_1.length;
    if (at >= length) {
      return CheckOutcome.of(CheckStatus.L7RSP, NOT_LDAP);
    }
    at += 1 + ((answer[at] & 0x80) != 0 ? answer[at] & 0x7F : 0);
    if (!startsWith(answer, length, at, new byte[] {0x0A, 0x01}) || at + 2 >= length) {
      return CheckOutcome.of(CheckStatus.L7RSP, NOT_LDAP);
    }
    int resultCode = answer[at + 2] & 0xFF;
    if (resultCode != 0) {
      return new CheckOutcome(
          CheckStatus.L7STS, resultCode, "See RFC: http://tools.ietf.org/html/rfc4511#section-4.1.9");
    }
    return CheckOutcome.of(CheckStatus.L7OK, "");
  }

  private static @Nullable CheckOutcome tooShort(boolean more) {
    return more ? null : CheckOutcome.of(CheckStatus.L7RSP, "");
  }

  private static boolean startsWith(byte[] answer, int length, int at, byte[] prefix) {
    if (at + prefix.length > length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (answer[at + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
