package io.steelyard.lb.forward;

import java.time.Duration;
import java.time.Instant;

/**
 * When a server's or a backend's state last changed, and how long it has been down in all:
 * HAProxy's {@code lastchg} and {@code downtime}. A server counts as down while DOWN or in
 * maintenance, a backend while none of its servers takes clients.
 */
final class StateClock {
  private long lastChangeMillis = System.currentTimeMillis();
  private long downMillis;
  private boolean down;

  StateClock(boolean down) {
    this.down = down;
  }

  /** The state changed now; it is down or not. */
  synchronized void changed(boolean down) {
    long now = System.currentTimeMillis();
    if (this.down) {
      downMillis += now - lastChangeMillis;
    }
    this.down = down;
    lastChangeMillis = now;
  }

  /** The state is now down or not: a change when that differs from before. */
  synchronized void observe(boolean down) {
    if (down != this.down) {
      changed(down);
    }
  }

  synchronized Instant lastChange() {
    return Instant.ofEpochMilli(lastChangeMillis);
  }

  /** The time spent down since start, up to now. */
  synchronized Duration downtime() {
    long now = System.currentTimeMillis();
    return Duration.ofMillis(downMillis + (down ? now - lastChangeMillis : 0));
  }
}
