package io.steelyard.lb.stats;

/** Whether a frontend accepts connections, as HAProxy's {@code show stat} says it of a frontend. */
public enum FrontendStatus {
  /** It listens and accepts connections. */
  OPEN,
  /** It holds its {@code maxconn}: further clients wait in the system's backlog. */
  FULL
}
