package io.steelyard.vrrp.linux;

import io.steelyard.lb.testing.InNamespace;
import io.steelyard.vrrp.packet.Version;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Failover times of a two-router virtual router on a bridge, Steelyard pairs next to keepalived
 * pairs in the same topology (a measurement to read, not a test): the master (priority 150, host
 * 0) is killed without a word (crash: SIGKILL, keepalived's VRRP process frozen first) or stopped
 * (graceful: priority 0), and the time until the virtual address is usable on the backup
 * (priority 100, host 1) is taken, VRRPv2 at a one-second interval and VRRPv3 at 100 ms. The
 * address counts as there as soon as a socket in host 1 can bind to it, tried every millisecond.
 * Each router runs in a process of its own, Steelyard's as {@link VrrpNodeMain}.
 *
 * <p>Expected: a crash takes the Master_Down_Interval of priority 100, 3 intervals + 156/256 of
 * one (3.61 s, 361 ms), counted from the master's last advert, which came up to one interval
 * before the crash: 2.61 to 3.61 s, 261 to 361 ms. A graceful stop takes the backup's skew time,
 * 156/256 of an interval (609 ms, 61 ms).
 *
 * <p>Measured here (2 cores, 3 runs each, medians): crash v2 2953 ms (keepalived 2990), v3 333 ms
 * (339); graceful v2 614 ms (620), v3 65 ms (68).
 *
 * <pre>
 * flock /tmp/maven.lock mvn -B -o -q test-compile dependency:build-classpath -pl lb-vrrp -am \
 *     -Dmdep.outputFile=/tmp/vrrp-cp.txt -Dmdep.includeScope=test
 * java -cp lb-vrrp/target/test-classes:lb-vrrp/target/classes:$(cat /tmp/vrrp-cp.txt) \
 *     io.steelyard.vrrp.linux.FailoverTimesMain [repetitions, default 3]
 * </pre>
 *
 * <p>Needs root, iproute2 and keepalived; it creates and deletes its own network namespaces.
 */
public final class FailoverTimesMain {
  private static final Duration LIMIT = Duration.ofSeconds(15);

  private FailoverTimesMain() {}

  enum Program { STEELYARD, KEEPALIVED }

  enum Failure { CRASH, GRACEFUL }

  public static void main(String[] args) throws Exception {
    int repetitions = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    Path dir = Files.createTempDirectory("vrrp-failover-");
    List<String> rows = new ArrayList<>();
    for (Version version : Version.values()) {
      for (Failure failure : Failure.values()) {
        for (Program program : Program.values()) {
          List<Double> millis = new ArrayList<>();
          for (int i = 0; i < repetitions; i++) {
            millis.add(trial(program, version, failure, dir.resolve(program + "-" + i)));
            System.err.printf(Locale.ROOT, "%s %s %s: %.1f ms%n", program, version, failure,
                millis.get(millis.size() - 1));
          }
          rows.add(row(program, version, failure, millis));
        }
      }
    }
    System.out.printf(Locale.ROOT, "%-10s %-14s %-8s %10s %10s %10s   %s%n", "program",
        "version", "failure", "median ms", "min ms", "max ms", "each run, ms");
    rows.forEach(System.out::println);
  }

  /** One failover in a fresh topology; returns how long the address took to reach host 1. */
  private static double trial(Program program, Version version, Failure failure, Path dir)
      throws Exception {
    try (BridgedLan lan = BridgedLan.create(2);
        Router master = Router.start(program, lan, 0, version, 150, dir.resolve("master"));
        Router backup = Router.start(program, lan, 1, version, 100, dir.resolve("backup"))) {
      if (!TwoHosts.await(LIMIT, () -> TwoHosts.hasVip(lan.host(0)))) {
        throw new IllegalStateException(program + " " + version + ": no master on host 0");
      }
      // Let the backup settle on the master's adverts.
      Thread.sleep(Instances.masterDown(version).toMillis());
      if (TwoHosts.hasVip(lan.host(1))) {
        throw new IllegalStateException(program + " " + version + ": two masters");
      }
      return InNamespace.call(lan.host(1), () -> {
        long start = System.nanoTime();
        if (failure == Failure.CRASH) {
          master.kill().run();
        } else {
          master.stop();
        }
        awaitBindable(InetAddress.getByName(TwoHosts.VIP));
        return (System.nanoTime() - start) / 1e6;
      });
    }
  }

  /** Tries to bind a UDP socket to the address every millisecond until it works. */
  private static void awaitBindable(InetAddress address) throws Exception {
    long end = System.nanoTime() + LIMIT.toNanos();
    while (System.nanoTime() - end < 0) {
      try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(address, 0))) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(1);
      }
    }
    throw new IllegalStateException("the address did not come within " + LIMIT);
  }

  private static String row(Program program, Version version, Failure failure,
      List<Double> millis) {
    List<Double> sorted = millis.stream().sorted().toList();
    String interval = version == Version.V3 ? "v3 100 ms" : "v2 1 s";
    StringBuilder each = new StringBuilder();
    for (double m : millis) {
      each.append(String.format(Locale.ROOT, " %.0f", m));
    }
    return String.format(Locale.ROOT, "%-10s %-14s %-8s %10.0f %10.0f %10.0f  %s",
        program.name().toLowerCase(Locale.ROOT), interval,
        failure.name().toLowerCase(Locale.ROOT), sorted.get(sorted.size() / 2), sorted.get(0),
        sorted.get(sorted.size() - 1), each);
  }

  /**
   * A router of either program on host {@code host} of the LAN: {@code kill} crashes it, {@code
   * end} stops it gracefully and waits for it.
   */
  private record Router(Action kill, Action end) implements AutoCloseable {
    interface Action {
      void run() throws Exception;
    }

    static Router start(Program program, BridgedLan lan, int host, Version version,
        int priority, Path dir) throws Exception {
      if (program == Program.STEELYARD) {
        VrrpNode node = VrrpNode.start(lan.host(host), BridgedLan.IFACE, version.name(),
            Integer.toString(priority));
        return new Router(node::crash, node::close);
      }
      Keepalived keepalived = Keepalived.start(lan.host(host), dir,
          Instances.keepalived(BridgedLan.IFACE, version, priority, ""));
      return new Router(keepalived::crash, keepalived::close);
    }

    /** Stops it gracefully, without waiting for it to end. */
    void stop() {
      new Thread(() -> {
        try {
          end.run();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, "stop").start();
    }

    @Override
    public void close() throws Exception {
      end.run();
    }
  }
}
