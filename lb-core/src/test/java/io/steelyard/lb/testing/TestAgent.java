package io.steelyard.lb.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A loopback agent for agent checks: every connection gets the current answer, one line, then a
 * clean close (after reading what the checker sent, so that the close is no reset). The test
 * changes the answer with {@link #answer}.
 */
public final class TestAgent implements AutoCloseable {
  private final ServerSocket listener;
  private volatile String answer;

  private TestAgent(String answer) throws IOException {
    this.answer = answer;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::serve, "test-agent");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** An agent that answers {@code line} until told otherwise. */
  public static TestAgent answering(String line) throws IOException {
    return new TestAgent(line);
  }

  /** Answers {@code line} from now on. */
  public void answer(String line) {
    this.answer = line;
  }

  public int port() {
    return listener.getLocalPort();
  }

  private void serve() {
    while (!listener.isClosed()) {
      try (Socket socket = listener.accept()) {
        socket.setSoTimeout(2_000);
        socket.getOutputStream().write((answer + "\n").getBytes(StandardCharsets.ISO_8859_1));
        socket.shutdownOutput();
        InputStream in = socket.getInputStream();
        while (in.read() >= 0) {
          // What the checker sent, until it closes.
        }
      } catch (SocketTimeoutException e) {
        // A checker that stays: the socket closes here.
      } catch (IOException e) {
        if (listener.isClosed()) {
          return;
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
