package io.steelyard.tproxy;

import io.steelyard.lb.Balancer;
import io.steelyard.lb.transport.Splice;
import io.steelyard.lb.transport.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The throughput of one long stream through the balancer on loopback, with the copying relay and
 * with the splice relay, in one run (a measurement to read, not a test): a client uploads to a
 * blocking sink through a balancer with one event loop, and, for a baseline, straight to the sink.
 * For each route it prints MiB/s, and the CPU time the balancer's event loop spent per GiB.
 *
 * <pre>
 * mvn -B -o -q test-compile -pl lb-tproxy
 * mvn -B -o -q dependency:build-classpath -pl lb-tproxy -Dmdep.outputFile=/tmp/cp.txt \
 *     -Dmdep.includeScope=test
 * java -cp lb-tproxy/target/test-classes:lb-tproxy/target/classes:$(cat /tmp/cp.txt) \
 *     io.steelyard.tproxy.SpliceThroughputMain [GiB per route, default 8]
 * </pre>
 */
public final class SpliceThroughputMain {
  private static final int MIB = 1024 * 1024;
  private static final long GIB = 1024L * MIB;

  private SpliceThroughputMain() {}

  public static void main(String[] args) throws Exception {
    long bytes = (args.length > 0 ? Long.parseLong(args[0]) : 8) * GIB;
    System.out.printf(Locale.ROOT, "%d GiB per route, after 1 GiB of warm-up, %d cores%n",
        bytes / GIB, Runtime.getRuntime().availableProcessors());
    try (Sink sink = new Sink()) {
      run("direct", null, sink, bytes);
      run("copy", Tproxy.transport(), sink, bytes);
      run("splice", Tproxy.transport().splice(Splice.BOTH), sink, bytes);
    }
  }

  /** Through a balancer on {@code transport}, or straight to the sink when it is null. */
  private static void run(String route, Transport transport, Sink sink, long bytes) throws Exception {
    Balancer balancer =
        transport == null
            ? null
            : Balancer.builder()
                .transport(transport)
                .ioThreads(1)
                .drainTimeout(Duration.ofSeconds(1))
                .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
                .backend("bk", b -> b.server("s1", "127.0.0.1:" + sink.port()))
                .start();
    try {
      InetSocketAddress target =
          balancer == null ? sink.address() : balancer.boundAddresses("ft").get(0);
      upload(target, sink, GIB);
      long cpuBefore = balancerCpuNanos();
      long start = System.nanoTime();
      upload(target, sink, bytes);
      long nanos = System.nanoTime() - start;
      long cpu = balancerCpuNanos() - cpuBefore;
      double mibPerSecond = (double) bytes / MIB / (nanos / 1e9);
      String spliced =
          balancer == null
              ? ""
              : String.format(Locale.ROOT, ", %,d MiB counted as spliced",
                  balancer.stats().backend("bk").traffic().splicedIn() / MIB);
      System.out.printf(Locale.ROOT, "%-7s %,9.0f MiB/s   balancer event loop %,6.0f ms CPU per GiB%s%n",
          route, mibPerSecond, cpu / 1e6 / ((double) bytes / GIB), spliced);
    } finally {
      if (balancer != null) {
        balancer.close();
      }
    }
  }

  /** Sends {@code bytes} on a new connection, half-closes, and waits until the sink has them all. */
  private static void upload(InetSocketAddress target, Sink sink, long bytes) throws Exception {
    CompletableFuture<Long> received = sink.nextConnection();
    try (Socket socket = new Socket()) {
      socket.connect(target, 5_000);
      byte[] chunk = new byte[MIB];
      OutputStream out = socket.getOutputStream();
      for (long sent = 0; sent < bytes; sent += chunk.length) {
        out.write(chunk);
      }
      socket.shutdownOutput();
      long count = received.get(60, TimeUnit.SECONDS);
      if (count != bytes) {
        throw new IllegalStateException("the sink received " + count + " bytes of " + bytes);
      }
    }
  }

  /** CPU time of the balancer's event loop threads so far. */
  private static long balancerCpuNanos() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (ThreadInfo info : threads.dumpAllThreads(false, false)) {
      if (info.getThreadName().startsWith("steelyard-io")) {
        total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
      }
    }
    return total;
  }

  /** Reads and discards each connection to its end, one connection at a time. */
  private static final class Sink implements AutoCloseable {
    private final ServerSocket listener;

    Sink() throws IOException {
      listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    int port() {
      return listener.getLocalPort();
    }

    InetSocketAddress address() {
      return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** The byte count of the next connection, once its client has half-closed. */
    CompletableFuture<Long> nextConnection() {
      return CompletableFuture.supplyAsync(() -> {
        try (Socket socket = listener.accept()) {
          byte[] buffer = new byte[MIB];
          InputStream in = socket.getInputStream();
          long count = 0;
          for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            count += n;
          }
          return count;
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
    }

    @Override
    public void close() throws IOException {
      listener.close();
    }
  }
}
