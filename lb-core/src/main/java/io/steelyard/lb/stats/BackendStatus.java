package io.steelyard.lb.stats;

/** Whether a backend takes clients, as HAProxy's {@code show stat} says it of a backend. */
public enum BackendStatus {
  /** At least one of its servers takes new clients. */
  UP,
  /** None does: new clients are refused at once. */
  DOWN
}
