package io.steelyard.vrrp.state;

import static java.util.Objects.requireNonNull;

/**
 * A change of state, with why it happened: the {@link Action} that {@link StateListener}s hear
 * about.
 *
 * @param from the state left
 * @param to the state entered
 * @param reason why
 * @param detail the particulars, such as the peer and its priority or the track's name; may be
 *     empty
 */
public record Transition(State from, State to, Reason reason, String detail) implements Action {
  /** Checks that nothing is null. */
  public Transition {
    requireNonNull(from, "from");
    requireNonNull(to, "to");
    requireNonNull(reason, "reason");
    requireNonNull(detail, "detail");
  }

  /** For example {@code BACKUP -> MASTER (MASTER_NO_RESPONSE: 192.168.200.2 priority 150)}. */
  @Override
  public String toString() {
    return from + " -> " + to + " (" + reason + (detail.isEmpty() ? ")" : ": " + detail + ")");
  }
}
