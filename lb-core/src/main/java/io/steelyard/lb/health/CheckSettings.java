package io.steelyard.lb.health;

import java.time.Duration;

/**
 * How one server is checked, with HAProxy's names and defaults: a TCP connection every {@code
 * inter} (2 s) while the server is steady, every {@code fastInter} while it is changing state,
 * every {@code downInter} while it is fully down (both default to {@code inter}); {@code rise}
 * (2) passed checks in a row bring it up, {@code fall} (3) failed ones take it down. A server
 * starts up but goes down at its first failed check.
 *
 * <p>With {@code observeLayer4}, live connections count too: after {@code errorLimit} (10)
 * failed connections in a row, {@code onError} applies. With {@code shutdownSessionsOnDown}, the
 * server's open connections are closed when it goes down (HAProxy's {@code on-marked-down
 * shutdown-sessions}).
 *
 * @param timeout the longest a check may take, HAProxy's {@code timeout check}; {@code null} to
 *     use {@code inter}, as HAProxy does when it is not set
 */
public record CheckSettings(
    Duration inter,
    Duration fastInter,
    Duration downInter,
    int rise,
    int fall,
    Duration timeout,
    boolean observeLayer4,
    int errorLimit,
    OnError onError,
    boolean shutdownSessionsOnDown) {

  public static final Duration DEFAULT_INTER = Duration.ofSeconds(2);
  public static final int DEFAULT_RISE = 2;
  public static final int DEFAULT_FALL = 3;
  public static final int DEFAULT_ERROR_LIMIT = 10;

  /**
   * The connect timeout of one check: {@code min(connect timeout, inter)} when {@code timeout
   * check} is set and the connect timeout is not 0 (none), else {@code inter} (HAProxy's rule; a
   * TCP check has nothing to read).
   */
  public Duration checkTimeout(Duration connectTimeout) {
    if (timeout == null || connectTimeout.isZero()) {
      return inter;
    }
    return connectTimeout.compareTo(inter) < 0 ? connectTimeout : inter;
  }
}
