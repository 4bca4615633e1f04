package io.steelyard.lb.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * A churn of clients through a balancer, for soak tests: from several threads at once, for a
 * bounded time, a random mix of
 *
 * <ul>
 *   <li>short requests to a {@link TestBackend#greeting} server: a line echoed, a half-close, the
 *       goodbye, the end;
 *   <li>transfers of 64 KiB to 2 MiB of random bytes to the same server, sent while its echo is
 *       read, compared by CRC32;
 *   <li>clients that half-close at once and still get the greeting and the goodbye;
 *   <li>clients that reset at once (SO_LINGER 0) before sending anything;
 *   <li>downloads from a {@link StreamingServer}, which sends a known number of bytes and closes;
 *   <li>requests to a {@link ResettingServer}, which resets at the first byte: they must end, by a
 *       reset or an end of stream, never hang.
 * </ul>
 *
 * Every outcome that differs from what the servers did is recorded as a failure. A target left
 * {@code null} is left out of the mix. With a {@code null} greeting the echo server is a plain
 * one (such as {@code socat ... EXEC:cat}): no greeting, no goodbye, it closes once the client has
 * half-closed and everything is echoed.
 */
public final class Churn {
  private final InetSocketAddress echo;
  private final InetSocketAddress stream;
  private final long streamSize;
  private final InetSocketAddress resetting;
  private final String greeting;

  /**
   * @param echo a greeting server named {@code greeting} (or a plain echo server, {@code
   *     greeting} {@code null}), through the balancer
   * @param stream a streaming server sending {@code streamSize} bytes, or {@code null}
   * @param resetting a resetting server, or {@code null}
   */
  public Churn(InetSocketAddress echo, String greeting, InetSocketAddress stream, long streamSize,
      InetSocketAddress resetting) {
    this.echo = echo;
    this.greeting = greeting;
    this.stream = stream;
    this.streamSize = streamSize;
    this.resetting = resetting;
  }

  /** What a churn did, counted over all its threads. */
  public static final class Report {
    public final AtomicLong requests = new AtomicLong();
    public final AtomicLong transfers = new AtomicLong();
    public final AtomicLong bytes = new AtomicLong();
    public final AtomicLong halfCloses = new AtomicLong();
    public final AtomicLong resets = new AtomicLong();
    public final AtomicLong downloads = new AtomicLong();
    public final AtomicLong serverResets = new AtomicLong();
    public final Queue<String> failures = new ConcurrentLinkedQueue<>();

    /** Every client connection made. */
    public long connections() {
      return requests.get() + transfers.get() + halfCloses.get() + resets.get() + downloads.get()
          + serverResets.get();
    }

    @Override
    public String toString() {
      return String.format(
          "%d connections: %d requests, %d transfers, %d half-closes, %d client resets,"
              + " %d downloads, %d server resets; %.1f MiB relayed; %d failures",
          connections(), requests.get(), transfers.get(), halfCloses.get(), resets.get(),
          downloads.get(), serverResets.get(), bytes.get() / 1048576.0, failures.size());
    }
  }

  /** Runs {@code threads} clients for {@code duration}, then waits for them (a minute at most). */
  public Report run(int threads, Duration duration) throws InterruptedException {
    Report report = new Report();
    long deadline = System.nanoTime() + duration.toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> running = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      long seed = t;
      running.add(pool.submit(() -> loop(new Random(seed), deadline, report)));
    }
    pool.shutdown();
    if (!pool.awaitTermination(duration.toSeconds() + 60, TimeUnit.SECONDS)) {
      pool.shutdownNow();
      report.failures.add("clients still running a minute after the end of the churn");
    }
    for (Future<?> client : running) {
      try {
        client.get(0, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        report.failures.add("a client thread died: " + e.getCause());
      }
    }
    return report;
  }

  private void loop(Random random, long deadline, Report report) {
    while (System.nanoTime() < deadline && report.failures.size() < 100) {
      int kind = random.nextInt(20);
      try {
        if (kind < 10) {
          request(random, report);
        } else if (kind < 12) {
          transfer(random, report);
        } else if (kind < 14) {
          halfClose(report);
        } else if (kind < 16) {
          reset(report);
        } else if (kind < 18 && stream != null) {
          download(report);
        } else if (resetting != null) {
          serverReset(report);
        } else {
          request(random, report);
        }
      } catch (IOException | RuntimeException e) {
        report.failures.add(e.toString());
      }
    }
  }

  private void request(Random random, Report report) throws IOException {
    try (Socket socket = TestClient.connect(echo)) {
      expectGreeting(socket);
      String line = "ping " + random.nextInt(1_000_000);
      socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
      expectLine(socket, line);
      socket.shutdownOutput();
      expectGoodbye(socket);
      expectEnd(socket);
      report.requests.incrementAndGet();
    }
  }

  private void transfer(Random random, Report report) throws IOException {
    int size = 64 * 1024 + random.nextInt(2 * 1024 * 1024 - 64 * 1024);
    byte[] data = new byte[size];
    random.nextBytes(data);
    try (Socket socket = TestClient.connect(echo)) {
      expectGreeting(socket);
      Thread sender = new Thread(() -> {
        try {
          socket.getOutputStream().write(data);
          socket.shutdownOutput();
        } catch (IOException ignored) {
          // the reader sees the stream short and reports it
        }
      });
      sender.start();
      byte[] echoed = socket.getInputStream().readNBytes(size);
      join(sender);
      CRC32 sent = new CRC32();
      sent.update(data);
      CRC32 received = new CRC32();
      received.update(echoed);
      if (echoed.length != size || sent.getValue() != received.getValue()) {
        report.failures.add("transfer of " + size + " bytes came back as " + echoed.length
            + " bytes, CRC32 " + (sent.getValue() == received.getValue() ? "equal" : "different"));
        return;
      }
      expectGoodbye(socket);
      expectEnd(socket);
      report.transfers.incrementAndGet();
      report.bytes.addAndGet(2L * size);
    }
  }

  private void halfClose(Report report) throws IOException {
    try (Socket socket = TestClient.connect(echo)) {
      socket.shutdownOutput();
      expectGreeting(socket);
      expectGoodbye(socket);
      expectEnd(socket);
      report.halfCloses.incrementAndGet();
    }
  }

  private void reset(Report report) throws IOException {
    Socket socket = new Socket();
    socket.connect(stream != null ? stream : echo, 5_000);
    socket.setSoLinger(true, 0);
    socket.close();
    report.resets.incrementAndGet();
  }

  private void download(Report report) throws IOException {
    try (Socket socket = TestClient.connect(stream)) {
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[64 * 1024];
      long total = 0;
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        total += n;
      }
      if (total != streamSize) {
        report.failures.add("download of " + streamSize + " bytes ended after " + total);
        return;
      }
      report.downloads.incrementAndGet();
      report.bytes.addAndGet(total);
    }
  }

  private void serverReset(Report report) throws IOException {
    try (Socket socket = TestClient.connect(resetting)) {
      OutputStream out = socket.getOutputStream();
      out.write("reset me\n".getBytes(StandardCharsets.US_ASCII));
      try {
        while (socket.getInputStream().read() >= 0) {
          // the server sends nothing; whatever ends the stream ends the wait
        }
      } catch (SocketException expected) {
        // a reset, relayed
      }
      report.serverResets.incrementAndGet();
    }
  }

  /** The greeting server's first line; nothing from a plain echo server. */
  private void expectGreeting(Socket socket) throws IOException {
    if (greeting != null) {
      expectLine(socket, greeting);
    }
  }

  /** The greeting server's goodbye after a half-close; nothing from a plain echo server. */
  private void expectGoodbye(Socket socket) throws IOException {
    if (greeting != null) {
      expectLine(socket, "bye from " + greeting);
    }
  }

  private static void expectLine(Socket socket, String expected) throws IOException {
    String line = TestClient.readLine(socket);
    if (!line.equals(expected)) {
      throw new IOException("expected '" + expected + "', got '" + line + "'");
    }
  }

  private static void expectEnd(Socket socket) throws IOException {
    int next = socket.getInputStream().read();
    if (next != -1) {
      throw new IOException("expected the end of the stream, got byte " + next);
    }
  }

  private static void join(Thread thread) {
    try {
      thread.join(60_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
