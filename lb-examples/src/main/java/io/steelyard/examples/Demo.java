package io.steelyard.examples;

import io.steelyard.lb.Balancer;
import io.steelyard.lb.schedule.Balance;
import io.steelyard.lb.stats.BackendStats;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Steelyard in ten seconds, on loopback and without privileges: three {@link DemoServer}s behind a
 * balancer with {@code balance leastconn}, {@link DemoTraffic} clients making short and long
 * connections through it, and the balancer's per-server statistics printed about once a second,
 * then a summary.
 *
 * <p>s1 and s2 answer at once, s3 answers {@link #SLOW} later. Leastconn sends each new connection
 * to the server with the fewest open ones, so the slow s3, which holds its connections longer,
 * gets fewer of them: the table shows it in the "now", "total" and "share" columns.
 *
 * <p>On a terminal the table is redrawn in place (ANSI escapes); elsewhere each second's table is
 * printed as its own block.
 */
public final class Demo {
  /** How long the demo runs unless it runs until stopped. */
  public static final Duration DURATION = Duration.ofSeconds(10);

  /** How much later the slow server answers. */
  static final Duration SLOW = Duration.ofMillis(40);

  private static final int SHORT_CLIENTS = 8;
  private static final int LONG_CLIENTS = 2;

  private final PrintStream out;
  private final Duration duration;
  private final boolean redraw;
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);
  private int drawn;

  /**
   * A demo printing to {@code out}.
   *
   * @param duration how long it runs; {@code null} to run until {@link #stop()}
   * @param redraw whether {@code out} is a terminal, where the table is redrawn in place
   */
  public Demo(PrintStream out, Duration duration, boolean redraw) {
    this.out = out;
    this.duration = duration;
    this.redraw = redraw;
  }

  /**
   * Runs the demo, then closes the clients, the balancer and the servers.
   *
   * @return the exit status: 0 when every client connection got its data, 1 otherwise
   */
  public int run() throws InterruptedException {
    try (DemoServer s1 = DemoServer.start("s1", Duration.ZERO);
        DemoServer s2 = DemoServer.start("s2", Duration.ZERO);
        DemoServer s3 = DemoServer.start("s3", SLOW);
        Balancer balancer =
            Balancer.builder()
                .drainTimeout(Duration.ofSeconds(2))
                .frontend("demo", f -> f.bind("127.0.0.1:0").defaultBackend("servers"))
                .backend(
                    "servers",
                    b -> b.balance(Balance.leastConn())
                        .server(s1.name(), s1.hostPort())
                        .server(s2.name(), s2.hostPort())
                        .server(s3.name(), s3.hostPort()))
                .start()) {
      InetSocketAddress address = balancer.boundAddresses("demo").get(0);
      introduce(address);
      long start = System.nanoTime();
      DemoTraffic traffic = DemoTraffic.start(address, SHORT_CLIENTS, LONG_CLIENTS);
      while (!stopRequested.await(1, TimeUnit.SECONDS)
          && (duration == null || System.nanoTime() - start < duration.toNanos())) {
        draw(seconds(start), balancer.stats().backend("servers"));
      }
      traffic.stop();
      draw(seconds(start), balancer.stats().backend("servers"));
      return summarize(traffic, seconds(start));
    } finally {
      out.println("Stopped the clients, the balancer and the servers.");
      out.flush();
      finished.countDown();
    }
  }

  /** Asks a running demo to end, and waits (up to 30 s) until it has closed everything. */
  public void stop() {
    stopRequested.countDown();
    try {
      finished.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void introduce(InetSocketAddress address) {
    out.println("Steelyard demo: a TCP load balancer on 127.0.0.1:" + address.getPort()
        + " spreads connections over three servers");
    out.println("with balance leastconn: each new connection goes to the server with the fewest"
        + " open ones.");
    out.println("s1 and s2 answer at once, s3 answers " + SLOW.toMillis() + " ms later, so s3"
        + " keeps its connections longer and gets fewer.");
    out.println(SHORT_CLIENTS + " clients make short connections (one request each), "
        + LONG_CLIENTS + " make long ones (a request every 100 ms for 2-5 s),");
    out.println((duration == null ? "until Ctrl-C" : "for " + duration.toSeconds() + " s")
        + "; \"in\" is from clients, \"out\" to them.");
    out.println();
  }

  private void draw(double seconds, BackendStats backend) {
    List<String> table = StatsTable.lines(backend);
    if (redraw && drawn > 0) {
      out.print("\033[" + drawn + "F\033[J");
    }
    out.println(String.format(Locale.ROOT, "after %.0f s:", seconds));
    table.forEach(out::println);
    if (!redraw) {
      out.println();
    }
    out.flush();
    drawn = table.size() + 1;
  }

  private int summarize(DemoTraffic traffic, double seconds) {
    out.println();
    out.println(String.format(Locale.ROOT,
        "%d client connections in %.1f s, %d failed; the clients received %s through the balancer.",
        traffic.connections(), seconds, traffic.failures(), StatsTable.bytes(traffic.received())));
    if (traffic.failures() > 0) {
      out.println("First failure: " + traffic.firstFailure());
      return 1;
    }
    return 0;
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
