package io.steelyard.bench;

import io.steelyard.lb.Balancer;
import io.steelyard.lb.transport.Splice;
import io.steelyard.lb.transport.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * How a forwarding benchmark's client reaches its loopback backend: the {@code route} parameter,
 * so that the figures with and without the balancer, copying or splicing, come side by side.
 */
public enum Route {
  /** Straight to the backend: the baseline, what the loopback and the two ends cost alone. */
  DIRECT {
    @Override
    Endpoint open(InetSocketAddress backend) {
      return new Endpoint(backend, () -> {});
    }
  },

  /**
   * Through a running {@link Balancer} on the default transport (epoll on Linux), with one
   * frontend and one server, whose relay copies the bytes through the JVM: read into a Netty
   * buffer on one side, written from it on the other.
   */
  COPY {
    @Override
    Endpoint open(InetSocketAddress backend) {
      Balancer balancer =
          Balancer.builder()
              .drainTimeout(Duration.ofSeconds(1))
              .frontend("ft_bench", f -> f.bind("127.0.0.1:0").defaultBackend("bk_bench"))
              .backend(
                  "bk_bench",
                  b -> b.server("s1", backend.getHostString() + ":" + backend.getPort()))
              .start();
      return new Endpoint(balancer.boundAddresses("ft_bench").get(0), balancer::close);
    }
  },

  /**
   * Through a running {@link Balancer} on the epoll transport with splice on both directions: the
   * bytes go socket to pipe to socket inside the kernel and never enter the JVM.
   */
  SPLICE {
    @Override
    Endpoint open(InetSocketAddress backend) {
      Balancer balancer =
          Balancer.builder()
              .transport(Transport.epoll(Splice.BOTH))
              .drainTimeout(Duration.ofSeconds(1))
              .frontend("ft_bench", f -> f.bind("127.0.0.1:0").defaultBackend("bk_bench"))
              .backend(
                  "bk_bench",
                  b -> b.server("s1", backend.getHostString() + ":" + backend.getPort()))
              .start();
      return new Endpoint(balancer.boundAddresses("ft_bench").get(0), balancer::close);
    }
  };

  /** Starts what the route needs in front of {@code backend}; the client connects to the result. */
  abstract Endpoint open(InetSocketAddress backend);

  /** The address a client connects to, and what stops the route's own parts. */
  record Endpoint(InetSocketAddress address, Runnable stop) implements AutoCloseable {
    /**
     * A new client connection, without Nagle's delay; a read that waits 10 s fails rather than
     * hang the benchmark.
     */
    Socket connect() throws IOException {
      Socket socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(10_000);
      socket.connect(address, 5_000);
      return socket;
    }

    @Override
    public void close() {
      stop.run();
    }
  }
}
