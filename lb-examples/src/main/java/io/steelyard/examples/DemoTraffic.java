package io.steelyard.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The demo's clients: threads on loopback that each open one connection after another through the
 * balancer to {@link DemoServer}s and check that every byte asked for arrives. A short client's
 * connections make one request of 4 to 64 KiB; a long client's make one every 100 ms for 2 to 5 s.
 * Each client rests 20 to 80 ms between connections, which bounds the rate (about 150 connections
 * a second for the demo's ten clients); {@link #stop()} ends them all.
 */
final class DemoTraffic {
  private static final int CONNECT_TIMEOUT_MS = 2_000;
  private static final int READ_TIMEOUT_MS = 5_000;

  private final InetSocketAddress target;
  private final List<Thread> clients = new ArrayList<>();
  private final AtomicLong connections = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong received = new AtomicLong();
  private final AtomicReference<String> firstFailure = new AtomicReference<>();
  private volatile boolean running = true;

  private DemoTraffic(InetSocketAddress target) {
    this.target = target;
  }

  /** Starts {@code shortClients} and {@code longClients} threads that connect to {@code target}. */
  static DemoTraffic start(InetSocketAddress target, int shortClients, int longClients) {
    DemoTraffic traffic = new DemoTraffic(target);
    for (int i = 1; i <= shortClients + longClients; i++) {
      boolean longConnections = i > shortClients;
      Thread client = new Thread(() -> traffic.run(longConnections), "demo-client-" + i);
      client.setDaemon(true);
      traffic.clients.add(client);
      client.start();
    }
    return traffic;
  }

  private void run(boolean longConnections) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    byte[] buffer = new byte[16 * 1024];
    try {
      while (running) {
        int requests = longConnections ? random.nextInt(20, 51) : 1;
        connections.incrementAndGet();
        try (Socket socket = new Socket()) {
          socket.connect(target, CONNECT_TIMEOUT_MS);
          socket.setSoTimeout(READ_TIMEOUT_MS);
          for (int i = 0; i < requests && running; i++) {
            if (i > 0) {
              Thread.sleep(100);
            }
            request(socket, random.nextInt(4 * 1024, 64 * 1024 + 1), buffer);
          }
        } catch (IOException e) {
          failures.incrementAndGet();
          firstFailure.compareAndSet(null, e.toString());
        }
        Thread.sleep(random.nextInt(20, 81));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void request(Socket socket, int size, byte[] buffer) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write((size + "\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = socket.getInputStream();
    int left = size;
    while (left > 0) {
      int n = in.read(buffer, 0, Math.min(buffer.length, left));
      if (n < 0) {
        throw new IOException("connection closed with " + left + " of " + size + " bytes unread");
      }
      left -= n;
      received.addAndGet(n);
    }
  }

  /** Asks every client to finish its current request and close, and waits until they have. */
  void stop() throws InterruptedException {
    running = false;
    for (Thread client : clients) {
      client.join(READ_TIMEOUT_MS + 1_000);
    }
  }

  /** Connections opened so far, failed ones included. */
  long connections() {
    return connections.get();
  }

  long failures() {
    return failures.get();
  }

  /** What went wrong first, or {@code null}. */
  String firstFailure() {
    return firstFailure.get();
  }

  /** Bytes the clients received from the servers through the balancer. */
  long received() {
    return received.get();
  }
}
