package io.steelyard.lb.health;

/**
 * What a server does with new connections, as HAProxy's stats name it.
 *
 * <ul>
 *   <li>{@link #UP}: takes new connections (checked and passing, or not checked);
 *   <li>{@link #DOWN}: its checks fail; takes nothing, stuck clients go elsewhere;
 *   <li>{@link #DRAIN}: set by an operator: takes no new client, but clients stuck to it still
 *       come;
 *   <li>{@link #MAINT}: set by an operator: takes nothing.
 * </ul>
 */
public enum ServerStatus {
  UP,
  DOWN,
  DRAIN,
  MAINT;

  /** Whether a server in this status takes clients that no stick table sends to it. */
  public boolean takesNewClients() {
    return this == UP;
  }

  /** Whether a server in this status takes the clients stuck to it. */
  public boolean takesStuckClients() {
    return this == UP || this == DRAIN;
  }
}
