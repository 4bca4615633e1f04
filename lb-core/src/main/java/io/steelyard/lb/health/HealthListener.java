package io.steelyard.lb.health;

/**
 * Hears of server status changes and of the balancer's overall health. Called on an event loop
 * thread: return quickly and never block.
 */
public interface HealthListener {

  /** A server changed status (checks, traffic observation or an operator). */
  default void serverChanged(ServerEvent event) {}

  /**
   * The balancer's health changed: healthy while it listens and every backend has a server that
   * takes connections. VRRP tracks this to give up the virtual address when it turns false.
   */
  default void balancerHealthChanged(boolean healthy) {}
}
