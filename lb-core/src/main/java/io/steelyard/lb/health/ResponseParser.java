package io.steelyard.lb.health;

/**
 * A ready-made check's reading of a protocol's answer, where a pattern cannot say enough: a
 * MySQL packet, an LDAP bind response.
 */
interface ResponseParser {

  /**
   * Judges the first {@code length} bytes of {@code answer}: a passing outcome passes the step, a
   * failing one fails the check. Returns {@code null} to wait for more bytes, which it may only do
   * while {@code more} says that more may come.
   */
  CheckOutcome judge(byte[] answer, int length, boolean more);
}
