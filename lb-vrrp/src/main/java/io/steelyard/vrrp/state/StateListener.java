package io.steelyard.vrrp.state;

/**
 * Hears about state changes, keepalived's {@code notify_master}, {@code notify_backup}, {@code
 * notify_fault} and {@code notify_stop} in one: {@link Transition#to()} says which, {@link
 * Transition#reason()} says why.
 *
 * <p>The state machine is pure and calls nobody: whoever runs it passes the {@link Transition}s
 * among its actions to the listeners, after performing the actions before them (so a listener
 * told of Master finds the addresses added).
 */
@FunctionalInterface
public interface StateListener {
  /** Called once per transition, in order. */
  void stateChanged(Transition transition);
}
