package io.steelyard.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A peer that accepts one session on loopback, answers its greeting with 200 and reads whatever
 * comes after, counting the bytes: the far end of a replication benchmark, costing the measured
 * machine as little as a peer can. Bounded: it stops when closed or when the session ends.
 */
final class PeerSink implements AutoCloseable {
  private final ServerSocket listener;
  private final AtomicLong received = new AtomicLong();
  private final CountDownLatch opened = new CountDownLatch(1);
  private volatile Socket session;

  private PeerSink(ServerSocket listener) {
    this.listener = listener;
  }

  /** A sink that answers greetings addressed to {@code name}. */
  static PeerSink start(String name) throws IOException {
    PeerSink sink = new PeerSink(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
    Thread reader = new Thread(() -> sink.serve(name), "peer-sink");
    reader.setDaemon(true);
    reader.start();
    return sink;
  }

  InetSocketAddress address() {
    return (InetSocketAddress) listener.getLocalSocketAddress();
  }

  private void serve(String name) {
    try (Socket socket = listener.accept()) {
      session = socket;
      InputStream in = socket.getInputStream();
      int lines = 0;
      while (lines < 3) {
        int b = in.read();
        if (b < 0) {
          return;
        }
        lines += b == '\n' ? 1 : 0;
      }
      socket.getOutputStream().write("200\n".getBytes(StandardCharsets.US_ASCII));
      opened.countDown();
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        received.addAndGet(n);
      }
    } catch (IOException e) {
      // Closed: the benchmark is over.
    }
  }

  void awaitSession(Duration bound) throws InterruptedException {
    if (!opened.await(bound.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("no peer session within " + bound);
    }
  }

  /** Waits until {@code bytes} came, or fails after {@code bound}. */
  void awaitBytes(long bytes, Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (received.get() < bytes) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the peer received " + received.get() + " bytes in " + bound
            + ", not " + bytes);
      }
      Thread.sleep(20);
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    Socket open = session;
    if (open != null) {
      open.close();
    }
  }
}
