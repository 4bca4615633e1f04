package io.steelyard.lb.metrics;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.steelyard.lb.Attachment;
import io.steelyard.lb.Balancer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * HAProxy's Prometheus exporter for a balancer: {@code GET /metrics} on {@code address} answers
 * {@link PrometheusPage}, what HAProxy serves for {@code http-request use-service
 * prometheus-exporter if { path /metrics }} in a {@code mode http} frontend. Other paths get 404.
 * Attached to a balancer ({@code .attach(PrometheusExporter.on(address))}), it serves from one
 * thread of its own, the JDK's HTTP server, off the forwarding path, and stops with it.
 *
 * <pre>{@code
 * Balancer.builder()...attach(PrometheusExporter.on(new InetSocketAddress("127.0.0.1", 8405))).start();
 * }</pre>
 */
public final class PrometheusExporter implements Attachment {
  private final InetSocketAddress address;

  private PrometheusExporter(InetSocketAddress address) {
    this.address = address;
  }

  /** An exporter listening on {@code address}; port 0 takes a free one ({@link Serving#address()}). */
  public static PrometheusExporter on(InetSocketAddress address) {
    return new PrometheusExporter(requireNonNull(address, "address"));
  }

  @Override
  public Serving attach(Balancer balancer) throws IOException {
    HttpServer server = HttpServer.create(address, 16);
    server.setExecutor(Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "steelyard-prometheus");
      thread.setDaemon(true);
      return thread;
    }));
    server.createContext("/", exchange -> answer(exchange, balancer));
    server.start();
    return new Serving(server);
  }

  private static void answer(HttpExchange exchange, Balancer balancer) throws IOException {
    try (exchange) {
      boolean metrics = exchange.getRequestURI().getPath().equals("/metrics");
      byte[] body = metrics
          ? PrometheusPage.render(balancer).getBytes(StandardCharsets.UTF_8)
          : "Not found\n".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type",
          metrics ? "text/plain; version=0.0.4" : "text/plain");
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(metrics ? 200 : 404, head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  @Override
  public String toString() {
    return "prometheus exporter on " + address;
  }

  /** A running exporter; closing it stops it. */
  public static final class Serving implements AutoCloseable {
    private final HttpServer server;

    private Serving(HttpServer server) {
      this.server = server;
    }

    /** Where it listens, with the port the system chose for port 0. */
    public InetSocketAddress address() {
      return server.getAddress();
    }

    @Override
    public void close() {
      server.stop(0);
      ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
  }
}
