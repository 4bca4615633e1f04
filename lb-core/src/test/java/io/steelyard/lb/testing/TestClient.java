package io.steelyard.lb.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Blocking loopback clients for tests, with a read timeout so that no test hangs. */
public final class TestClient {
  private TestClient() {}

  /** A socket to {@code target} from {@code source} (any port), with a 10 s read timeout. */
  public static Socket connect(InetSocketAddress target, InetAddress source) throws IOException {
    Socket socket = new Socket();
    socket.setSoTimeout(10_000);
    if (source != null) {
      socket.bind(new InetSocketAddress(source, 0));
    }
    socket.connect(target, 5_000);
    return socket;
  }

  /** A socket to {@code target} with a 10 s read timeout. */
  public static Socket connect(InetSocketAddress target) throws IOException {
    return connect(target, null);
  }

  /** Reads one line (without its newline) or fails at the end of the stream. */
  public static String readLine(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("connection closed after '" + line + "'");
      }
      line.append((char) c);
    }
    return line.toString();
  }

  /** Writes {@code line} and a newline, in ASCII. */
  public static void writeLine(Socket socket, String line) throws IOException {
    socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
  }

  /** Connects, reads a greeting server's name, closes: which server the balancer chose. */
  public static String whoAnswers(InetSocketAddress target, InetAddress source) throws IOException {
    try (Socket socket = connect(target, source)) {
      return readLine(socket);
    }
  }

  /** The loopback address 127.0.0.{@code n}, to play a client with its own address. */
  public static InetAddress loopback(int n) {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) n});
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
