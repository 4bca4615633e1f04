package io.steelyard.lb.health;

/**
 * How one check ended.
 *
 * @param status its status, whose description is the {@code reason} of a logged transition
 * @param code the response code that goes with a layer-7 status ({@link CheckStatus#hasCode}),
 *     such as an SMTP reply code or a MySQL error number; 0 when the protocol gives none
 * @param info HAProxy's {@code info} of the transition and {@code last_chk} of the stats, such as
 *     {@code Connection refused} or {@code TCPCHK did not match content '+PONG' at step 2}; empty
 *     for none
 */
public record CheckOutcome(CheckStatus status, int code, String info) {
  /** The longest info HAProxy keeps ({@code HCHK_DESC_LEN} less its terminating zero). */
  static final int MAX_INFO = 127;

  /** Keeps the info as HAProxy does: up to its first zero byte, at most {@link #MAX_INFO}. */
  public CheckOutcome {
    int zero = info.indexOf('\0');
    if (zero >= 0) {
      info = info.substring(0, zero);
    }
    if (info.length() > MAX_INFO) {
      info = info.substring(0, MAX_INFO);
    }
  }

  /** An outcome without a code. */
  static CheckOutcome of(CheckStatus status, String info) {
    return new CheckOutcome(status, 0, info);
  }
}
