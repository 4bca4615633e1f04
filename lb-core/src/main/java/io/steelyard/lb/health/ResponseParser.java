package io.steelyard.lb.health;

import org.jspecify.annotations.Nullable;

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
  @Nullable CheckOutcome judge(byte[] answer, int length, boolean more);
}
