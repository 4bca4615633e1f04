package io.steelyard.lb.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A steady stream of short clients, one every 10 ms (about 100 a second) on a thread of its own:
 * each connects, reads a greeting server's name and closes ({@link TestClient#whoAnswers}). It
 * counts the clients served and those that failed, and stops after {@code count} clients or at
 * {@link #stop}, whichever comes first.
 */
public final class SteadyClients {
  private final AtomicInteger served = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  private SteadyClients(InetSocketAddress front, int count, IntFunction<InetAddress> source) {
    thread = new Thread(() -> {
      for (int i = 0; running.get() && i < count; i++) {
        try {
          TestClient.whoAnswers(front, source.apply(i));
          served.incrementAndGet();
        } catch (IOException e) {
          failed.incrementAndGet();
        }
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "steady-clients");
    thread.setDaemon(true);
    thread.start();
  }

  /** Starts {@code count} clients to {@code front}, client {@code i} from {@code source(i)} (null: any). */
  public static SteadyClients start(InetSocketAddress front, int count, IntFunction<InetAddress> source) {
    return new SteadyClients(front, count, source);
  }

  public int served() {
    return served.get();
  }

  public int failed() {
    return failed.get();
  }

  /** Waits for the last client, 30 s at most. */
  public void awaitEnd() throws InterruptedException {
    thread.join(30_000);
  }

  /** Stops after the client under way, and waits for it, 10 s at most. */
  public void stop() throws InterruptedException {
    running.set(false);
    thread.join(10_000);
  }
}
