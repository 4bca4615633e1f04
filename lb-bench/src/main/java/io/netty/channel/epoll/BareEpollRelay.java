package io.netty.channel.epoll;

import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A measuring instrument for issue 14's lever 2, not a balancer: the least a Java TCP relay on
 * Netty's native epoll calls has to do per connection, to learn how far an event loop and channel
 * of Steelyard's own could go before building one. It lives in Netty's package because {@link
 * EpollEventArray} and the millisecond {@code epollWait} are package-private there.
 *
 * <p>HAProxy's system-call pattern, and less: each socket is registered once, edge-triggered, for
 * input, output and the peer's FIN, and never modified or deleted (its {@code close} removes it);
 * a read that does not fill the buffer means the socket is drained, so there is no read that ends
 * in {@code EAGAIN}; a FIN goes out with {@code shutdown(SHUT_WR)}; once both directions have
 * ended both sockets are closed; no {@code getsockname}, {@code getsockopt} or {@code SHUT_RD}.
 * One event loop per core, each with its own {@code SO_REUSEPORT} listener per route; servers
 * taken in turn; accepts handled after each batch of events, so that a closed descriptor's stale
 * event never reaches a new socket of the same number. No timeouts, no stickiness, no statistics.
 *
 * <p>{@code java -cp lb-bench/target/benchmarks.jar io.netty.channel.epoll.BareEpollRelay
 * SECONDS PORT=HOST:PORT[,HOST:PORT...] ...}: listens on 127.0.0.1:PORT for each route, and exits
 * by itself after SECONDS.
 */
public final class BareEpollRelay {
  private static final int BUFFER = 64 * 1024;
  private static final int INTEREST =
      Native.EPOLLIN | Native.EPOLLOUT | Native.EPOLLRDHUP | Native.EPOLLET;

  private BareEpollRelay() {}

  public static void main(String[] args) throws Exception {
    Epoll.ensureAvailability();
    long seconds = Long.parseLong(args[0]);
    List<Route> routes = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      String[] portAndServers = args[i].split("=");
      List<InetSocketAddress> servers = new ArrayList<>();
      for (String server : portAndServers[1].split(",")) {
        int colon = server.lastIndexOf(':');
        servers.add(new InetSocketAddress(
            server.substring(0, colon), Integer.parseInt(server.substring(colon + 1))));
      }
      routes.add(new Route(Integer.parseInt(portAndServers[0]), servers));
    }
    int threads = Runtime.getRuntime().availableProcessors();
    for (int i = 0; i < threads; i++) {
      Thread loop = new Thread(new Loop(routes), "bare-epoll-" + i);
      loop.setDaemon(true);
      loop.start();
    }
    System.err.println("bare epoll relay: " + threads + " loops, " + routes.size() + " routes");
    TimeUnit.SECONDS.sleep(seconds);
    System.exit(0);
  }

  /** A port to listen on and the servers its connections go to, in turn. */
  private record Route(int port, List<InetSocketAddress> servers) {}

  /** One listener on one loop. */
  private static final class Listener {
    final Socket socket;
    final Route route;
    int next;

    Listener(Socket socket, Route route) {
      this.socket = socket;
      this.route = route;
    }
  }

  /** One socket of a relayed connection; its peer is the other. */
  private static final class End {
    final LinuxSocket socket;
    End peer;
    boolean connecting;
    /** Bytes for this socket that it could not take yet, or from before it connected. */
    ByteBuffer pending;
    /** This socket has bytes left to read, waiting for the peer to take what was read before. */
    boolean unread;
    /** An event said that the peer's FIN is in: the read that drains the socket ends the input. */
    boolean finIn;
    boolean inputEnded;
    boolean finSent;
    boolean closed;

    End(LinuxSocket socket) {
      this.socket = socket;
    }
  }

  private static final class Loop implements Runnable {
    private final FileDescriptor epoll = Native.newEpollCreate();
    private final EpollEventArray events = new EpollEventArray(1024);
    private final Object[] byFd = new Object[1 << 17];
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
    private final List<Listener> readyListeners = new ArrayList<>();
    private final byte[] acceptedAddress = new byte[26];

    Loop(List<Route> routes) throws IOException {
      for (Route route : routes) {
        LinuxSocket listener = LinuxSocket.newSocketStream(false);
        listener.setReuseAddress(true);
        listener.setReusePort(true);
        listener.bind(new InetSocketAddress("127.0.0.1", route.port()));
        listener.listen(1024);
        byFd[listener.intValue()] = new Listener(listener, route);
        Native.epollCtlAdd(epoll.intValue(), listener.intValue(), Native.EPOLLIN);
      }
    }

    @Override
    public void run() {
      try {
        while (true) {
          int ready = Native.epollWait(epoll, events, 1000);
          for (int i = 0; i < ready; i++) {
            Object target = byFd[events.fd(i)];
            if (target instanceof Listener listener) {
              readyListeners.add(listener);
            } else if (target instanceof End end) {
              handle(end, events.events(i));
            }
          }
          for (Listener listener : readyListeners) {
            acceptAll(listener);
          }
          readyListeners.clear();
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    private void acceptAll(Listener listener) {
      for (int i = 0; i < 16; i++) {
        int fd;
        try {
          fd = listener.socket.accept(acceptedAddress);
        } catch (IOException e) {
          return;
        }
        if (fd == -1) {
          return;
        }
        End client = new End(new LinuxSocket(fd));
        try {
          client.socket.setTcpNoDelay(true);
        } catch (IOException e) {
          closeQuietly(client.socket);
          continue;
        }
        InetSocketAddress address =
            listener.route.servers().get(listener.next++ % listener.route.servers().size());
        End server;
        try {
          server = new End(LinuxSocket.newSocketStream(false));
        } catch (RuntimeException e) {
          closeQuietly(client.socket);
          continue;
        }
        client.peer = server;
        server.peer = client;
        try {
          server.socket.setTcpNoDelay(true);
          server.connecting = !server.socket.connect(address);
          register(client);
          register(server);
        } catch (IOException e) {
          closeBoth(client);
        }
      }
    }

    private void register(End end) throws IOException {
      byFd[end.socket.intValue()] = end;
      Native.epollCtlAdd(epoll.intValue(), end.socket.intValue(), INTEREST);
    }

    private void handle(End end, int ev) {
      if (end.closed) {
        return;
      }
      try {
        if (end.connecting) {
          if ((ev & (Native.EPOLLOUT | Native.EPOLLERR | Native.EPOLLRDHUP)) == 0) {
            return;
          }
          if (!end.socket.finishConnect()) {
            return;
          }
          end.connecting = false;
        }
        if ((ev & Native.EPOLLOUT) != 0 && !flush(end)) {
          return;
        }
        end.finIn |= (ev & Native.EPOLLRDHUP) != 0;
        if ((ev & (Native.EPOLLIN | Native.EPOLLRDHUP | Native.EPOLLERR)) != 0 || end.unread) {
          relay(end);
        }
      } catch (IOException | RuntimeException e) {
        closeBoth(end); // a reset, or a socket no longer connected (ENOTCONN)
      }
    }

    /**
     * Writes what waits for {@code end}; returns whether the connection is still open. Once it is
     * all out, the peer reads on if it had stopped, and a FIN that waited goes.
     */
    private boolean flush(End end) throws IOException {
      ByteBuffer pending = end.pending;
      if (pending != null && pending.hasRemaining()) {
        int written = end.socket.send(pending, pending.position(), pending.limit());
        pending.position(pending.position() + written);
        if (pending.hasRemaining()) {
          return true;
        }
      }
      if (end.peer.inputEnded && !end.finSent) {
        return sendFin(end);
      }
      if (end.peer.unread) {
        relay(end.peer);
      }
      return !end.closed;
    }

    /** Reads {@code from} and writes to its peer until it is drained or the peer is full. */
    private void relay(End from) throws IOException {
      End to = from.peer;
      from.unread = false;
      if (from.inputEnded) {
        return;
      }
      while (true) {
        if (to.connecting || to.pending != null && to.pending.hasRemaining()) {
          from.unread = true;
          return;
        }
        int read = from.socket.recv(buffer, 0, BUFFER);
        if (read == 0) {
          return; // EAGAIN
        }
        if (read < 0) {
          break;
        }
        int written = to.socket.send(buffer, 0, read);
        if (written < read) {
          keep(to, read, written);
        }
        if (read < BUFFER) {
          if (!from.finIn) {
            return; // drained: the next bytes or the FIN bring another edge
          }
          break; // drained, and the FIN had come
        }
      }
      from.inputEnded = true;
      if (to.pending == null || !to.pending.hasRemaining()) {
        sendFin(to);
      }
    }

    private void keep(End to, int read, int written) {
      int left = read - written;
      if (to.pending == null || to.pending.capacity() < left) {
        to.pending = ByteBuffer.allocateDirect(Math.max(left, BUFFER));
      }
      to.pending.clear();
      to.pending.put(buffer.duplicate().position(written).limit(read));
      to.pending.flip();
    }

    /**
     * Sends {@code end} our FIN, everything for it being out; when its own FIN came first and
     * everything from it is out too, closes both sockets instead (each close sends its FIN).
     */
    private boolean sendFin(End end) throws IOException {
      ByteBuffer toPeer = end.peer.pending;
      if (end.inputEnded && (toPeer == null || !toPeer.hasRemaining())) {
        closeBoth(end);
        return false;
      }
      end.socket.shutdown(false, true);
      end.finSent = true;
      return true;
    }

    private void closeBoth(End end) {
      close(end);
      close(end.peer);
    }

    private void close(End end) {
      if (end.closed) {
        return;
      }
      end.closed = true;
      byFd[end.socket.intValue()] = null;
      closeQuietly(end.socket);
    }

    private static void closeQuietly(Socket socket) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing a socket that failed: nothing left to do
      }
    }
  }
}
