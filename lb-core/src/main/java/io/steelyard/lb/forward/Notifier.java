package io.steelyard.lb.forward;

import io.steelyard.lb.health.HealthListener;
import io.steelyard.lb.health.ServerEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells {@link HealthListener}s what changed, and keeps the balancer's overall health: healthy
 * while it listens and every backend has a server that takes new clients. A listener that throws
 * is logged and does not stop the others.
 */
final class Notifier {
  private static final Logger log = LoggerFactory.getLogger(Notifier.class);

  private final List<HealthListener> listeners = new CopyOnWriteArrayList<>();
  private volatile List<Backend> backends = List.of();
  private volatile boolean listening;
  private boolean lastHealthy;

  void addListener(HealthListener listener) {
    listeners.add(listener);
  }

  void removeListener(HealthListener listener) {
    listeners.remove(listener);
  }

  /** Whether the balancer listens and every backend has a server that takes new clients. */
  boolean healthy() {
    if (!listening) {
      return false;
    }
    for (Backend backend : backends) {
      if (!backend.scheduler().hasUsableServer()) {
        return false;
      }
    }
    return true;
  }

  void watch(List<Backend> backends) {
    this.backends = List.copyOf(backends);
  }

  void listening(boolean listening) {
    this.listening = listening;
    healthMayHaveChanged();
  }

  void serverChanged(ServerEvent event) {
    for (HealthListener listener : listeners) {
      try {
        listener.serverChanged(event);
      } catch (RuntimeException e) {
        log.warn("health listener {} failed on {}", listener, event, e);
      }
    }
    healthMayHaveChanged();
  }

  /** Tells listeners of a change of health, in order: under the lock, so none overtakes another. */
  private synchronized void healthMayHaveChanged() {
    boolean now = healthy();
    if (now == lastHealthy) {
      return;
    }
    lastHealthy = now;
    for (HealthListener listener : listeners) {
      try {
        listener.balancerHealthChanged(now);
      } catch (RuntimeException e) {
        log.warn("health listener {} failed on health {}", listener, now, e);
      }
    }
  }
}
