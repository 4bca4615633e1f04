package io.steelyard.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server behind the forwarding benchmarks: plain blocking sockets on 127.0.0.1, one thread per
 * connection, so that its own cost is a read and a write per message and nothing of Netty's or
 * the balancer's. It only answers what its clients send, and each loop ends when its client closes
 * or {@link #close()} closes the sockets.
 */
final class LoopbackBackend implements AutoCloseable {
  private final Service service;
  private final ServerSocket listener;
  private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;

  /** What the server does with one connection, until the client closes it. */
  private interface Service {
    void serve(InputStream in, OutputStream out) throws IOException;
  }

  private LoopbackBackend(String name, Service service) throws IOException {
    this.service = service;
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::accept, name + "-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Sends back every byte it receives, as soon as it has read it. */
  static LoopbackBackend echo() throws IOException {
    return new LoopbackBackend(
        "echo",
        (in, out) -> {
          byte[] buffer = new byte[64 * 1024];
          for (int n; (n = in.read(buffer)) >= 0; ) {
            out.write(buffer, 0, n);
          }
        });
  }

  /**
   * Reads and discards everything, and acknowledges each {@code ackEvery} bytes received with one
   * byte, so that the client knows what has arrived.
   */
  static LoopbackBackend sink(int ackEvery) throws IOException {
    return new LoopbackBackend(
        "sink",
        (in, out) -> {
          byte[] buffer = new byte[256 * 1024];
          long unacknowledged = 0;
          for (int n; (n = in.read(buffer)) >= 0; ) {
            for (unacknowledged += n; unacknowledged >= ackEvery; unacknowledged -= ackEvery) {
              out.write(1);
            }
          }
        });
  }

  /** Where it listens: 127.0.0.1 and a port the system chose. */
  InetSocketAddress address() {
    return (InetSocketAddress) listener.getLocalSocketAddress();
  }

  private void accept() {
    try {
      while (true) {
        Socket socket = listener.accept();
        socket.setTcpNoDelay(true);
        connections.add(socket);
        Thread worker = new Thread(() -> serve(socket), acceptor.getName() + "-" + socket.getPort());
        worker.setDaemon(true);
        worker.start();
      }
    } catch (IOException e) {
      if (!listener.isClosed()) {
        throw new IllegalStateException("loopback backend stopped accepting", e);
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      service.serve(socket.getInputStream(), socket.getOutputStream());
    } catch (SocketException e) {
      // The client reset the connection, or close() closed the socket under the loop.
    } catch (IOException e) {
      throw new IllegalStateException("loopback backend connection failed", e);
    } finally {
      connections.remove(socket);
    }
  }

  /** Stops accepting, closes every connection and waits for the acceptor to end. */
  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket socket : connections) {
      socket.close();
    }
    try {
      acceptor.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
