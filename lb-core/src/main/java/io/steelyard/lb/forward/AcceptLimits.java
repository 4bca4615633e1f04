package io.steelyard.lb.forward;

import io.netty.channel.Channel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * HAProxy's {@code maxconn}, globally and per frontend: at the limit a frontend's listeners stop
 * accepting, so that new clients wait in the kernel's accept queue, and they accept again as soon
 * as a connection ends. One monitor guards all counts: accepting is rare next to relaying, and a
 * single lock keeps "pause" and "resume" from racing between event loops.
 *
 * <p>A paused listener may still hand over connections: each event loop has its own listener, and
 * one that hears of the pause from another loop may finish the burst of accepts it is in; io_uring
 * also keeps an accept submitted to the kernel, which completes with the next client even after
 * the pause. Such a late connection waits, unread and without a server, as it would have in the
 * accept queue, and takes the next free slot of its frontend before the listeners resume.
 */
final class AcceptLimits {
  private final int globalMax;
  private final Map<Frontend, List<Channel>> listeners = new IdentityHashMap<>();
  private final Map<Frontend, int[]> counts = new IdentityHashMap<>();
  private final ArrayDeque<Late> late = new ArrayDeque<>();
  private int global;

  /** A connection accepted past a limit, and how to let it in once there is room. */
  private record Late(Frontend frontend, Channel child, Runnable admit) {}

  /** @param globalMax the most connections over all frontends, 0 for no limit */
  AcceptLimits(int globalMax) {
    this.globalMax = globalMax;
  }

  /** {@code listener} of {@code frontend} closes: it is no longer paused or resumed. */
  synchronized void stopped(Frontend frontend, Channel listener) {
    List<Channel> channels = listeners.get(frontend);
    if (channels != null) {
      channels.remove(listener);
    }
  }

  synchronized void listening(Frontend frontend, Channel listener) {
    listeners.computeIfAbsent(frontend, f -> new ArrayList<>()).add(listener);
    counts.computeIfAbsent(frontend, f -> new int[1]);
  }

  /**
   * A connection was accepted on {@code frontend}: returns true when it is counted and may go on;
   * false when a limit is already reached, and {@code admitLater} runs once it is its turn.
   * Pauses what reaches its limit.
   */
  synchronized boolean opened(Frontend frontend, Channel child, Runnable admitLater) {
    if (full(frontend)) {
      late.addLast(new Late(frontend, child, admitLater));
      return false;
    }
    count(frontend);
    return true;
  }

  /** A connection of {@code frontend} ended; a late one takes the slot, or listeners resume. */
  synchronized void closed(Frontend frontend) {
    boolean wasFull = full(frontend);
    global--;
    counts.get(frontend)[0]--;
    for (Iterator<Late> waiting = late.iterator(); waiting.hasNext(); ) {
      Late next = waiting.next();
      if (!full(next.frontend())) {
        waiting.remove();
        count(next.frontend());
        next.admit().run();
      }
    }
    if (wasFull) {
      listeners.forEach((f, channels) -> setAccepting(channels, !full(f)));
    }
  }

  /** Closes the late connections still waiting, as the listeners close. */
  synchronized void dropLate() {
    late.forEach(waiting -> waiting.child().close());
    late.clear();
  }

  private void count(Frontend frontend) {
    global++;
    counts.get(frontend)[0]++;
    if (atLimit(globalMax, global)) {
      listeners.values().forEach(channels -> setAccepting(channels, false));
    } else if (atLimit(frontend.maxConn(), counts.get(frontend)[0])) {
      setAccepting(listeners.get(frontend), false);
    }
  }

  /** Whether the whole or {@code frontend} is at its limit. */
  private boolean full(Frontend frontend) {
    return atLimit(globalMax, global) || atLimit(frontend.maxConn(), counts.get(frontend)[0]);
  }

  /** Whether {@code listener} may accept now: neither its frontend nor the whole is at its limit. */
  synchronized boolean accepting(Channel listener) {
    if (atLimit(globalMax, global)) {
      return false;
    }
    for (Map.Entry<Frontend, List<Channel>> entry : listeners.entrySet()) {
      if (entry.getValue().contains(listener)) {
        return !full(entry.getKey());
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
