package io.steelyard.lb.health;

import org.jspecify.annotations.Nullable;

/**
 * One step of a {@link Check}, HAProxy's {@code tcp-check} rule: a {@link CheckConnect}, a {@link
 * CheckSend} or a {@link CheckExpect}. Each may carry a comment, which a failure at that step
 * quotes.
 */
public sealed interface CheckRule permits CheckConnect, CheckSend, CheckExpect {

  /** The comment a failure at this step quotes, or {@code null}. */
  @Nullable String comment();
}
