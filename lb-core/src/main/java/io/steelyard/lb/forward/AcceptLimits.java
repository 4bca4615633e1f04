package io.steelyard.lb.forward;

import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * HAProxy's {@code maxconn}, globally and per frontend: at the limit a frontend's listeners stop
 * accepting, so that new clients wait in the kernel's accept queue, and they accept again as soon
 * as a connection ends. One monitor guards all counts: accepting is rare next to relaying, and a
 * single lock keeps "pause" and "resume" from racing between event loops.
 */
final class AcceptLimits {
  private final int globalMax;
  private final Map<Frontend, List<Channel>> listeners = new IdentityHashMap<>();
  private final Map<Frontend, int[]> counts = new IdentityHashMap<>();
  private int global;

  /** @param globalMax the most connections over all frontends, 0 for no limit */
  AcceptLimits(int globalMax) {
    this.globalMax = globalMax;
  }

  synchronized void listening(Frontend frontend, Channel listener) {
    listeners.computeIfAbsent(frontend, f -> new ArrayList<>()).add(listener);
    counts.computeIfAbsent(frontend, f -> new int[1]);
  }

  /** A connection was accepted on {@code frontend}; pauses what reached its limit. */
  synchronized void opened(Frontend frontend) {
    global++;
    counts.get(frontend)[0]++;
    if (atLimit(globalMax, global)) {
      listeners.values().forEach(channels -> setAccepting(channels, false));
    } else if (atLimit(frontend.maxConn(), counts.get(frontend)[0])) {
      setAccepting(listeners.get(frontend), false);
    }
  }

  /** A connection of {@code frontend} ended; resumes what fell below its limit. */
  synchronized void closed(Frontend frontend) {
    boolean globalWasFull = atLimit(globalMax, global);
    boolean frontendWasFull = atLimit(frontend.maxConn(), counts.get(frontend)[0]);
    global--;
    counts.get(frontend)[0]--;
    if (globalWasFull) {
      listeners.forEach((f, channels) -> setAccepting(channels, !atLimit(f.maxConn(), counts.get(f)[0])));
    } else if (frontendWasFull) {
      setAccepting(listeners.get(frontend), true);
    }
  }

  /** Whether {@code listener} may accept now: neither its frontend nor the whole is at its limit. */
  synchronized boolean accepting(Channel listener) {
    if (atLimit(globalMax, global)) {
      return false;
    }
    for (Map.Entry<Frontend, List<Channel>> entry : listeners.entrySet()) {
      if (entry.getValue().contains(listener)) {
        return !atLimit(entry.getKey().maxConn(), counts.get(entry.getKey())[0]);
      }
    }
    return true;
  }

  private static boolean atLimit(int max, int count) {
    return max > 0 && count >= max;
  }

  private static void setAccepting(List<Channel> channels, boolean accepting) {
    for (Channel channel : channels) {
      channel.config().setAutoRead(accepting);
    }
  }
}
