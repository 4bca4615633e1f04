package io.steelyard.lb.forward;

import io.steelyard.lb.schedule.Member;
import java.net.InetAddress;

/**
 * What waits in a backend's queues for a server: a session's connector. The backend calls it under
 * its lock, from whichever thread freed a slot.
 */
interface Waiter {

  /** The client's address, for the scheduler's pick when a slot frees. */
  InetAddress clientAddress();

  /** It was queued, for {@code server} ({@code null}: for any server of the backend). */
  void waitIn(Server server);

  /** When it started waiting ({@link System#nanoTime()}): the oldest waiter is served first. */
  long waitingSince();

  /** A server's slot is its now (the scheduler has counted it), from any thread. */
  void handOver(Member member);
}
