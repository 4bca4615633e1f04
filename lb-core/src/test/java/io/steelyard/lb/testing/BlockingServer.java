package io.steelyard.lb.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A blocking loopback server for one connection, running a conversation on its socket in a
 * thread of its own (30 s read timeout): for tests that script what a server sends and when.
 */
public final class BlockingServer implements AutoCloseable {
  private final ServerSocket listener;
  private final CompletableFuture<Void> done;

  /** What the server does with the one connection it accepts. */
  public interface Conversation {
    void run(Socket socket) throws IOException;
  }

  public BlockingServer(Conversation conversation) throws IOException {
    listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    done = CompletableFuture.runAsync(() -> {
      try (Socket socket = listener.accept()) {
        socket.setSoTimeout(30_000);
        conversation.run(socket);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** {@code 127.0.0.1:port}, as the builder takes it. */
  public String hostPort() {
    return "127.0.0.1:" + listener.getLocalPort();
  }

  /** Waits for the conversation to end (30 s at most); fails with what failed in it. */
  public void awaitDone() throws Exception {
    done.get(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
