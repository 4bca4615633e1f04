import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens N idle connections through a TCP proxy, for run.sh's memory-per-idle-connection figure.
 * Loopback only; single-file program, run with the JDK's source launcher:
 *
 * <pre>java IdleConns.java BACKEND_PORT PROXY_PORT N HOLD_SECONDS</pre>
 *
 * <p>It listens on 127.0.0.1:BACKEND_PORT as the proxy's backend (echoes every byte it gets),
 * opens N connections to 127.0.0.1:PROXY_PORT, sends one byte on each and reads the echo (so
 * every connection is known to be proxied end to end), prints {@code READY n} and holds them
 * idle until HOLD_SECONDS pass or it is sent SIGTERM. Opening stops after 60 s or at the first
 * failure (it then prints {@code READY} with the count it reached). Both client and backend sides
 * live in this process, so it needs 2N fds (N = 9,000 fits a 20,000 limit).
 */
public final class IdleConns {
  public static void main(String[] args) throws Exception {
    int backendPort = Integer.parseInt(args[0]);
    int proxyPort = Integer.parseInt(args[1]);
    int n = Integer.parseInt(args[2]);
    long holdMillis = Long.parseLong(args[3]) * 1000L;

    AtomicInteger accepted = new AtomicInteger();
    ServerSocketChannel server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress("127.0.0.1", backendPort), 4096);
    server.configureBlocking(false);
    Selector selector = Selector.open();
    server.register(selector, SelectionKey.OP_ACCEPT);
    Thread backend = new Thread(() -> echo(selector, server, accepted), "backend");
    backend.setDaemon(true);
    backend.start();

    List<Socket> clients = new ArrayList<>(n);
    long deadline = System.nanoTime() + 60_000_000_000L;
    String failure = null;
    try {
      for (int i = 0; i < n && System.nanoTime() < deadline; i++) {
        Socket s = new Socket();
        clients.add(s);
        s.setSoTimeout(5000);
        s.connect(new InetSocketAddress("127.0.0.1", proxyPort), 5000);
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        out.write('x');
        out.flush();
        if (in.read() != 'x') {
          throw new IOException("no echo on connection " + i);
        }
      }
    } catch (IOException e) {
      failure = e.toString();
    }
    int open = clients.size() - (failure == null ? 0 : 1);
    if (failure != null) {
      System.out.println("FAILED after " + open + ": " + failure);
    }
    System.out.println("READY " + open + " accepted=" + accepted.get());
    System.out.flush();
    try {
      Thread.sleep(holdMillis);
    } catch (InterruptedException ignored) {
      // SIGTERM ends the JVM anyway.
    }
    for (Socket s : clients) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }

  private static void echo(Selector selector, ServerSocketChannel server, AtomicInteger accepted) {
    ByteBuffer buf = ByteBuffer.allocateDirect(4096);
    try {
      while (true) {
        selector.select(1000);
        for (SelectionKey key : selector.selectedKeys()) {
          if (!key.isValid()) {
            continue;
          }
          if (key.isAcceptable()) {
            SocketChannel c;
            while ((c = server.accept()) != null) {
              c.configureBlocking(false);
              c.register(selector, SelectionKey.OP_READ);
              accepted.incrementAndGet();
            }
          } else if (key.isReadable()) {
            SocketChannel c = (SocketChannel) key.channel();
            buf.clear();
            int r;
            try {
              r = c.read(buf);
            } catch (IOException e) {
              r = -1;
            }
            if (r < 0) {
              key.cancel();
              c.close();
            } else {
              buf.flip();
              while (buf.hasRemaining()) {
                c.write(buf); // one byte: fits the socket buffer
              }
            }
          }
        }
        selector.selectedKeys().clear();
      }
    } catch (IOException e) {
      System.out.println("backend stopped: " + e);
    }
  }
}
