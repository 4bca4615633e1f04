package io.steelyard.lb.metrics;

import io.steelyard.lb.Balancer;
import io.steelyard.lb.config.FrontendConfig;
import io.steelyard.lb.health.ServerStatus;
import io.steelyard.lb.stats.BackendStats;
import io.steelyard.lb.stats.BackendStatus;
import io.steelyard.lb.stats.FrontendStats;
import io.steelyard.lb.stats.ServerStats;
import io.steelyard.lb.stats.Stats;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * A balancer's metrics as HAProxy 2.6's Prometheus exporter writes them ({@code http-request
 * use-service prometheus-exporter}), for what Steelyard measures: the same names, HELP texts,
 * types and labels ({@code proxy}, {@code server}, {@code state}), in HAProxy's order (process,
 * then frontends, backends and servers, each metric with every object), so that dashboards made
 * for HAProxy work unchanged. HAProxy's other metrics (HTTP, SSL, compression, cache, times,
 * maxima, rates) are not served; a test lists which are, side by side with HAProxy's page.
 */
public final class PrometheusPage {
  private static final String SESSIONS = "Number of current sessions on the frontend, backend or server";
  private static final String TOTAL = "Total number of sessions since process started";
  private static final String BYTES_IN = "Total number of request bytes since process started";
  private static final String BYTES_OUT = "Total number of response bytes since process started";
  private static final String LIMIT = "Frontend/listener/server's maxconn, backend's fullconn";
  private static final String STATUS = "Current status of the service, per state label value.";
  private static final String QUEUE = "Number of current queued connections";
  private static final String ERRORS =
      "Total number of failed connections to server since the worker process started";
  private static final String RETRIES =
      "Total number of server connection retries since the worker process started";
  private static final String REDISPATCHES = "Total number of server redispatches due to connection"
      + " failures since the worker process started";
  private static final String WEIGHT =
      "Server's effective weight, or sum of active servers' effective weights for a backend";

  private PrometheusPage() {}

  /** The page, in Prometheus' text format (version 0.0.4). */
  public static String render(Balancer balancer) {
    Stats stats = balancer.stats();
    StringBuilder page = new StringBuilder();
    long active = stats.frontends().stream().mapToLong(f -> f.traffic().current()).sum();
    long total = stats.frontends().stream().mapToLong(f -> f.traffic().total()).sum();
    process(page, "nbthread", "Number of started threads (global.nbthread)", "gauge",
        balancer.config().ioThreads());
    process(page, "start_time_seconds", "Start time in seconds", "gauge",
        ManagementFactory.getRuntimeMXBean().getStartTime() / 1000);
    process(page, "max_connections", "Hard limit on the number of per-process connections"
        + " (configured or imposed by Ulimit-n)", "gauge", balancer.limits().maxConn());
    process(page, "current_connections", "Current number of connections on this worker process",
        "gauge", active);
    process(page, "connections_total",
        "Total number of connections on this worker process since started", "counter", total);
    process(page, "dropped_logs_total",
        "Total number of dropped logs for current worker process since started", "counter",
        balancer.droppedLogs());

    List<FrontendStats> frontends = stats.frontends();
    frontends(page, "current_sessions", SESSIONS, "gauge", frontends, f -> f.traffic().current());
    frontends(page, "limit_sessions", LIMIT, "gauge", frontends, f -> limit(balancer, f.name()));
    frontends(page, "sessions_total", TOTAL, "counter", frontends, f -> f.traffic().total());
    frontends(page, "bytes_in_total", BYTES_IN, "counter", frontends, f -> f.traffic().bytesIn());
    frontends(page, "bytes_out_total", BYTES_OUT, "counter", frontends, f -> f.traffic().bytesOut());
    header(page, "haproxy_frontend_status", STATUS, "gauge");
    for (FrontendStats frontend : frontends) {
      // A frontend that holds its maxconn (FULL) still listens: UP, as HAProxy reports it.
      states(page, "haproxy_frontend_status", label(frontend.name()), List.of("DOWN", "UP"), "UP");
    }
    frontends(page, "connections_total", "Total number of new connections accepted on this frontend"
        + " since the worker process started", "counter", frontends, f -> f.traffic().total());

    List<BackendStats> backends = stats.backends();
    backends(page, "current_queue", QUEUE, "gauge", backends, b -> b.traffic().queued());
    backends(page, "current_sessions", SESSIONS, "gauge", backends, b -> b.traffic().current());
    backends(page, "sessions_total", TOTAL, "counter", backends, b -> b.traffic().total());
    backends(page, "bytes_in_total", BYTES_IN, "counter", backends, b -> b.traffic().bytesIn());
    backends(page, "bytes_out_total", BYTES_OUT, "counter", backends, b -> b.traffic().bytesOut());
    backends(page, "connection_errors_total", ERRORS, "counter", backends, b -> b.traffic().connectErrors());
    backends(page, "retry_warnings_total", RETRIES, "counter", backends, b -> b.traffic().retries());
    backends(page, "redispatch_warnings_total", REDISPATCHES, "counter", backends,
        b -> b.traffic().redispatches());
    header(page, "haproxy_backend_status", STATUS, "gauge");
    for (BackendStats backend : backends) {
      states(page, "haproxy_backend_status", label(backend.name()), List.of("DOWN", "UP"),
          backend.status() == BackendStatus.UP ? "UP" : "DOWN");
    }
    backends(page, "weight", WEIGHT, "gauge", backends, b -> b.servers().stream()
        .filter(s -> !s.backup() && s.status() == ServerStatus.UP).mapToLong(ServerStats::weight).sum());
    backends(page, "active_servers", "Total number of active UP servers with a non-zero weight",
        "gauge", backends, b -> b.servers().stream()
            .filter(s -> !s.backup() && s.status() == ServerStatus.UP && s.weight() > 0).count());
    backends(page, "backup_servers", "Total number of backup UP servers with a non-zero weight",
        "gauge", backends, b -> b.servers().stream()
            .filter(s -> s.backup() && s.status() == ServerStatus.UP && s.weight() > 0).count());

    servers(page, "current_queue", QUEUE, "gauge", backends, s -> s.traffic().queued());
    servers(page, "current_sessions", SESSIONS, "gauge", backends, s -> s.traffic().current());
    servers(page, "limit_sessions", LIMIT, "gauge", backends, s -> s.maxConn() == 0 ? Double.NaN : s.maxConn());
    servers(page, "sessions_total", TOTAL, "counter", backends, s -> s.traffic().total());
    servers(page, "bytes_in_total", BYTES_IN, "counter", backends, s -> s.traffic().bytesIn());
    servers(page, "bytes_out_total", BYTES_OUT, "counter", backends, s -> s.traffic().bytesOut());
    servers(page, "connection_errors_total", ERRORS, "counter", backends, s -> s.traffic().connectErrors());
    servers(page, "retry_warnings_total", RETRIES, "counter", backends, s -> s.traffic().retries());
    servers(page, "redispatch_warnings_total", REDISPATCHES, "counter", backends,
        s -> s.traffic().redispatches());
    header(page, "haproxy_server_status", STATUS, "gauge");
    for (BackendStats backend : backends) {
      for (ServerStats server : backend.servers()) {
        states(page, "haproxy_server_status", label(backend.name(), server.name()),
            List.of("DOWN", "UP", "MAINT", "DRAIN", "NOLB"), server.status().name());
      }
    }
    servers(page, "weight", WEIGHT, "gauge", backends, s -> s.weight());
    servers(page, "check_failures_total", "Total number of failed individual health checks per"
        + " server/backend, since the worker process started", "counter", backends,
        s -> s.check() == null ? 0 : s.check().failedChecks());
    servers(page, "queue_limit", "Limit on the number of connections in queue, for servers only"
        + " (maxqueue argument)", "gauge", backends, s -> s.maxQueue() == 0 ? Double.NaN : s.maxQueue());
    return page.toString();
  }

  private static double limit(Balancer balancer, String frontend) {
    for (FrontendConfig config : balancer.config().frontends()) {
      if (config.name().equals(frontend) && config.maxConn() > 0) {
        return config.maxConn();
      }
    }
    return balancer.limits().maxConn();
  }

  private static void process(StringBuilder page, String name, String help, String type, double value) {
    header(page, "haproxy_process_" + name, help, type);
    page.append("haproxy_process_").append(name).append(' ').append(number(value)).append('\n');
  }

  private static void frontends(StringBuilder page, String name, String help, String type,
      List<FrontendStats> frontends, ToDoubleFunction<FrontendStats> value) {
    samples(page, "haproxy_frontend_" + name, help, type, frontends,
        f -> label(f.name()), value);
  }

  private static void backends(StringBuilder page, String name, String help, String type,
      List<BackendStats> backends, ToDoubleFunction<BackendStats> value) {
    samples(page, "haproxy_backend_" + name, help, type, backends, b -> label(b.name()), value);
  }

  private static void servers(StringBuilder page, String name, String help, String type,
      List<BackendStats> backends, ToDoubleFunction<ServerStats> value) {
    header(page, "haproxy_server_" + name, help, type);
    for (BackendStats backend : backends) {
      for (ServerStats server : backend.servers()) {
        page.append("haproxy_server_").append(name).append('{').append(label(backend.name(), server.name()))
            .append("} ").append(number(value.applyAsDouble(server))).append('\n');
      }
    }
  }

  private static <T> void samples(StringBuilder page, String metric, String help, String type,
      List<T> objects, Function<T, String> labels, ToDoubleFunction<T> value) {
    header(page, metric, help, type);
    for (T object : objects) {
      page.append(metric).append('{').append(labels.apply(object)).append("} ")
          .append(number(value.applyAsDouble(object))).append('\n');
    }
  }

  private static void states(
      StringBuilder page, String metric, String labels, List<String> states, String current) {
    for (String state : states) {
      page.append(metric).append('{').append(labels).append(",state=\"").append(state).append("\"} ")
          .append(state.equals(current) ? 1 : 0).append('\n');
    }
  }

  private static void header(StringBuilder page, String metric, String help, String type) {
    page.append("# HELP ").append(metric).append(' ').append(help).append('\n')
        .append("# TYPE ").append(metric).append(' ').append(type).append('\n');
  }

  private static String label(String proxy) {
    return "proxy=\"" + escape(proxy) + "\"";
  }

  private static String label(String proxy, String server) {
    return label(proxy) + ",server=\"" + escape(server) + "\"";
  }

  /** A label value with backslashes, quotes and newlines escaped, as Prometheus reads them. */
  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static String number(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value)
        : Double.toString(value);
  }
}
