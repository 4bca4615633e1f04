package io.steelyard.examples;

import static java.time.Duration.ofMillis;

import com.sun.net.httpserver.HttpServer;
import io.steelyard.lb.Balancer;
import io.steelyard.lb.health.HealthListener;
import io.steelyard.lb.health.ServerEvent;
import io.steelyard.lb.schedule.Balance;
import io.steelyard.lb.stats.ServerStats;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A balancer inside an application that has its own work to do: here a small HTTP service (the
 * JDK's own server) that reports, on {@code GET /servers}, how the embedded balancer's servers are
 * doing. The balancer starts with the application, runs on its own event-loop threads beside the
 * application's, reports server changes through a listener, and stops with it.
 *
 * <pre>
 * java -cp steelyard.jar io.steelyard.examples.EmbeddedBalancer 127.0.0.1:5432 127.0.0.1:5433
 * curl http://127.0.0.1:8080/servers
 * </pre>
 *
 * <p>Arguments: the servers' addresses; clients connect to 127.0.0.1:15432, the application's
 * service listens on 127.0.0.1:8080. No privilege is needed.
 */
public final class EmbeddedBalancer {
  /** Where the balancer listens. */
  static final String FRONTEND = "127.0.0.1:15432";

  /** Where the application's own service listens. */
  static final InetSocketAddress SERVICE = new InetSocketAddress("127.0.0.1", 8080);

  private EmbeddedBalancer() {}

  public static void main(String[] servers) throws IOException {
    if (servers.length == 0) {
      System.err.println("usage: EmbeddedBalancer HOST:PORT...  (the servers to balance over)");
      System.exit(2);
    }
    Balancer balancer = start(FRONTEND, servers);
    HttpServer service = serve(balancer, SERVICE);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  service.stop(0);
                  balancer.close();
                }));
  }

  /** The balancer: leastconn over {@code servers}, each checked every 500 ms. */
  static Balancer start(String frontend, String... servers) {
    return Balancer.builder()
        .frontend("ft_app", f -> f.bind(frontend).defaultBackend("bk_app"))
        .backend(
            "bk_app",
            b -> {
              b.balance(Balance.leastConn());
              for (int i = 0; i < servers.length; i++) {
                b.server("s" + (i + 1), servers[i], s -> s.check().inter(ofMillis(500)));
              }
            })
        .listener(
            new HealthListener() {
              @Override
              public void serverChanged(ServerEvent event) {
                System.out.println(event.backend() + "/" + event.server() + " is " + event.status());
              }
            })
        .start();
  }

  /** The application's own service: {@code GET /servers} lists each server's state and load. */
  static HttpServer serve(Balancer balancer, InetSocketAddress address) throws IOException {
    HttpServer service = HttpServer.create(address, 0);
    service.createContext(
        "/servers",
        exchange -> {
          StringBuilder body = new StringBuilder();
          for (ServerStats server : balancer.stats().backend("bk_app").servers()) {
            body.append(server.name()).append(' ').append(server.status()).append(' ')
                .append(server.traffic().current()).append(" open ")
                .append(server.traffic().total()).append(" total\n");
          }
          byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    service.start();
    return service;
  }
}
