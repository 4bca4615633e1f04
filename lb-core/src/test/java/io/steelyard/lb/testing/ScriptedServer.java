package io.steelyard.lb.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A loopback server that plays a script on every connection, to stand for a protocol's server in
 * check tests: it reads so many bytes, writes given bytes, pauses, and at the end closes cleanly
 * (after reading what is left, so that nothing unread turns the close into a reset) or holds the
 * connection until the client closes it, in the clear or over TLS. It keeps what each connection
 * received. Every wait is bounded (5 s), so a test that goes wrong ends.
 */
public final class ScriptedServer implements AutoCloseable {
  private static final int BOUND_MILLIS = 5_000;

  /** One step of the script. */
  public sealed interface Step permits Read, Write, Pause {}

  /** Reads {@code bytes} bytes (fewer if the client closes or 5 s pass). */
  public record Read(int bytes) implements Step {}

  /** Writes {@code bytes}. */
  public record Write(byte[] bytes) implements Step {}

  /** Waits {@code millis}. */
  public record Pause(long millis) implements Step {}

  private final ServerSocket listener;
  private final List<Step> script;
  private final boolean closeAtEnd;
  /** Each accepted connection's bytes, in the order accepted; null until it finishes. */
  private final List<AtomicReference<byte[]>> received = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<Socket> open = new ConcurrentLinkedQueue<>();
  private final Thread acceptor;

  private ScriptedServer(boolean closeAtEnd, List<Step> script) throws IOException {
    this(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), closeAtEnd, script);
  }

  private ScriptedServer(ServerSocket listener, boolean closeAtEnd, List<Step> script) {
    this.listener = listener;
    this.script = script;
    this.closeAtEnd = closeAtEnd;
    this.acceptor = new Thread(this::accept, "scripted-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Plays {@code script} on each connection, then closes it. */
  public static ScriptedServer thenClose(Step... script) throws IOException {
    return new ScriptedServer(true, List.of(script));
  }

  /** Plays {@code script} on each connection, then keeps it open until the client closes. */
  public static ScriptedServer thenHold(Step... script) throws IOException {
    return new ScriptedServer(false, List.of(script));
  }

  /** Plays {@code script} over TLS, once the handshake made with {@code tls} is done. */
  public static ScriptedServer overTls(SSLContext tls, Step... script) throws IOException {
    ServerSocket listener =
        tls.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    return new ScriptedServer(listener, true, List.of(script));
  }

  public static Read read(int bytes) {
    return new Read(bytes);
  }

  /** Writes {@code text}, one byte per character. */
  public static Write write(String text) {
    return new Write(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Writes the bytes {@code hex} spells. */
  public static Write writeHex(String hex) {
    return new Write(HexFormat.of().parseHex(hex));
  }

  public static Pause pause(long millis) {
    return new Pause(millis);
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) listener.getLocalSocketAddress();
  }

  /** What each finished connection received, in the order the connections were accepted. */
  public List<byte[]> received() {
    return received.stream().map(AtomicReference::get).filter(Objects::nonNull).toList();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket socket = listener.accept();
        open.add(socket);
        AtomicReference<byte[]> result = new AtomicReference<>();
        received.add(result);
        Thread player = new Thread(() -> play(socket, result), "scripted-connection");
        player.setDaemon(true);
        player.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void play(Socket socket, AtomicReference<byte[]> result) {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    try (socket) {
      socket.setSoTimeout(BOUND_MILLIS);
      InputStream in = socket.getInputStream();
      for (Step step : script) {
        if (step instanceof Read read) {
          readUpTo(in, got, read.bytes());
        } else if (step instanceof Write write) {
          socket.getOutputStream().write(write.bytes());
          socket.getOutputStream().flush();
        } else {
          Thread.sleep(((Pause) step).millis());
        }
      }
      if (closeAtEnd && !(socket instanceof SSLSocket)) {
        socket.shutdownOutput();
      }
      readUpTo(in, got, Integer.MAX_VALUE);
    } catch (IOException | InterruptedException e) {
      // The client went away or the test closed the server: the script ends here.
    } finally {
      result.set(got.toByteArray());
      open.remove(socket);
    }
  }

  /** Reads until {@code bytes} came, the client closed, or the bound passed. */
  private static void readUpTo(InputStream in, ByteArrayOutputStream got, int bytes)
      throws IOException {
    byte[] buffer = new byte[4096];
    int read = 0;
    try {
      while (read < bytes) {
        int n = in.read(buffer, 0, Math.min(buffer.length, bytes - read));
        if (n < 0) {
          return;
        }
        got.write(buffer, 0, n);
        read += n;
      }
    } catch (SocketTimeoutException e) {
      // Bounded: what came is what there is.
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket socket : open) {
      socket.close();
    }
  }
}
