package io.steelyard.lb.health;

import java.time.Duration;

/**
 * The health counter of one checked server, with HAProxy 2.6's arithmetic, and nothing else: no
 * sockets, no clocks, so every rule is testable step by step.
 *
 * <p>The counter runs from 0 to {@code rise + fall - 1}. The server is up while it is at least
 * {@code rise}. A passed check adds one, and on reaching {@code rise} jumps to the top: the server
 * is up and steady. A failed check takes one away, and on falling below {@code rise} drops to 0:
 * the server is down. A server starts up at exactly {@code rise}, so its first failed check takes
 * it down.
 *
 * <p>Not thread-safe: one event loop owns it.
 */
public final class Health {
  private final CheckSettings settings;
  private final int top;
  private int value;
  private int consecutiveErrors;
  private boolean fastInterForced;

  public Health(CheckSettings settings) {
    this.settings = settings;
    this.top = settings.rise() + settings.fall() - 1;
    this.value = settings.rise();
  }

  /** Whether the checks say the server is up. */
  public boolean up() {
    return value >= settings.rise();
  }

  /** The counter, 0 to {@code rise + fall - 1}. */
  public int value() {
    return value;
  }

  /** A check passed; returns whether the server just came up. */
  public boolean passed() {
    fastInterForced = false;
    consecutiveErrors = 0;
    boolean wasUp = up();
    if (value < top) {
      value++;
      if (value >= settings.rise()) {
        value = top;
      }
    }
    return !wasUp && up();
  }

  /** A check failed; returns whether the server just went down. */
  public boolean failed() {
    fastInterForced = false;
    boolean wasUp = up();
    if (value > 0) {
      value--;
      if (value < settings.rise()) {
        value = 0;
      }
    }
    return wasUp && !up();
  }

  /** The server enters maintenance: the checks pause, and count it down (HAProxy's health 0). */
  public void maintenance() {
    value = 0;
    consecutiveErrors = 0;
    fastInterForced = false;
  }

  /** The server leaves maintenance: up at exactly {@code rise}, so down at its first failure. */
  public void leftMaintenance() {
    value = settings.rise();
  }

  /** A live connection to the server succeeded: the run of errors is over. */
  public void observedSuccess() {
    consecutiveErrors = 0;
  }

  /**
   * A live connection to the server failed. After {@code errorLimit} in a row, applies {@code
   * onError} and asks for the next check at {@code fastinter}.
   *
   * @return whether the server just went down
   */
  public boolean observedError() {
    if (!settings.observeLayer4() || ++consecutiveErrors < settings.errorLimit()) {
      return false;
    }
    consecutiveErrors = 0;
    boolean wentDown;
    switch (settings.onError()) {
      case FAIL_CHECK:
        wentDown = failed();
        break;
      case SUDDEN_DEATH:
        if (value > settings.rise()) {
          value = settings.rise() + 1;
        }
        wentDown = failed();
        break;
      case MARK_DOWN:
        value = settings.rise();
        wentDown = failed();
        break;
      default:
        wentDown = false;
        break;
    }
    fastInterForced = true;
    return wentDown;
  }

  /** Whether an observed error asked for the next check to come at {@code fastinter}. */
  public boolean fastInterForced() {
    return fastInterForced;
  }

  /**
   * When the next check is due: {@code inter} while steady, {@code downInter} while fully down,
   * {@code fastInter} while changing or after observed errors (HAProxy's {@code srv_getinter}).
   */
  public Duration nextInterval() {
    if (!fastInterForced && value == top) {
      return settings.inter();
    }
    if (value == 0) {
      return settings.downInter();
    }
    return settings.fastInter();
  }
}
