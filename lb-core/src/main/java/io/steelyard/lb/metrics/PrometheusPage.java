package io.steelyard.lb.metrics;

import io.steelyard.lb.Balancer;
import io.steelyard.lb.config.FrontendConfig;
import io.steelyard.lb.health.ServerStatus;
import io.steelyard.lb.stats.BackendStats;
import io.steelyard.lb.stats.BackendStatus;
import io.steelyard.lb.stats.FrontendStats;
import io.steelyard.lb.stats.ServerStats;
import io.steelyard.lb.stats.SessionTimes;
import io.steelyard.lb.stats.Stats;
import io.steelyard.lb.stats.Traffic;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * A balancer's metrics as HAProxy 2.6's Prometheus exporter writes them ({@code http-request
 * use-service prometheus-exporter}), for what Steelyard measures: the same names, HELP texts,
 * types and labels ({@code proxy}, {@code server}, {@code state}), in HAProxy's order (process,
 * then frontends, backends and servers, each metric with every object), so that dashboards made
 * for HAProxy work unchanged. HAProxy's other metrics (HTTP, SSL, compression, cache, idle
 * connections, listeners, stick tables) are not served; a test lists which are, side by side with
 * HAProxy's page. The time averages are those of {@code show stat} (over the sessions so far
 * while there are fewer than 1,024; HAProxy's exporter divides by 1,024 from the first).
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
  private static final String MAX_SESSIONS =
      "Highest value of current sessions encountered since process started";
  private static final String MAX_QUEUE =
      "Highest value of queued connections encountered since process started";
  private static final String MAX_RATE =
      "Highest value of sessions per second observed since the worker process started";
  private static final String LAST_CHANGE = "How long ago the last server state changed, in seconds";
  private static final String DOWNTIME = "Total time spent in DOWN state, for server or backend";
  private static final String CLIENT_ABORTS = "Total number of requests or connections aborted by"
      + " the client since the worker process started";
  private static final String SERVER_ABORTS = "Total number of requests or connections aborted by"
      + " the server since the worker process started";
  private static final String LAST_SESSION =
      "How long ago some traffic was seen on this object on this worker process, in seconds";
  private static final String MAX_SOCKETS = "Hard limit on the number of per-process sockets";
  private static final String LOADBALANCED = "Total number of requests routed by load balancing"
      + " since the worker process started (ignores queue pop and stickiness)";
  private static final String USER_WEIGHT =
      "Server's user weight, or sum of active servers' user weights for a backend";
  private static final String WEIGHT =
      "Server's effective weight, or sum of active servers' effective weights for a backend";

  /** The time averages and maxima of backends and servers, in HAProxy's order. */
  private enum TimeMetric {
    QUEUE_AVERAGE("queue_time_average_seconds",
        "Avg. queue time for last 1024 successful connections.", SessionTimes::queueAverage),
    CONNECT_AVERAGE("connect_time_average_seconds",
        "Avg. connect time for last 1024 successful connections.", SessionTimes::connectAverage),
    RESPONSE_AVERAGE("response_time_average_seconds",
        "Avg. response time for last 1024 successful connections.", times -> 0),
    TOTAL_AVERAGE("total_time_average_seconds",
        "Avg. total time for last 1024 successful connections.", SessionTimes::totalAverage),
    QUEUE_MAX("max_queue_time_seconds", "Maximum observed time spent in the queue",
        SessionTimes::queueMax),
    CONNECT_MAX("max_connect_time_seconds",
        "Maximum observed time spent waiting for a connection to complete", SessionTimes::connectMax),
    RESPONSE_MAX("max_response_time_seconds",
        "Maximum observed time spent waiting for a server response", times -> 0),
    TOTAL_MAX("max_total_time_seconds", "Maximum observed total request+response time"
        + " (request+queue+connect+response+processing)", SessionTimes::totalMax);

    final String metric;
    final String help;
    /** Milliseconds; the response time is 0 in TCP mode, as HAProxy's. */
    final ToLongFunction<SessionTimes> millis;

    TimeMetric(String metric, String help, ToLongFunction<SessionTimes> millis) {
      this.metric = metric;
      this.help = help;
      this.millis = millis;
    }

    double seconds(Traffic traffic) {
      return millis.applyAsLong(traffic.times()) / 1000.0;
    }
  }

  private PrometheusPage() {}

  /** The page, in Prometheus' text format (version 0.0.4). */
  public static String render(Balancer balancer) {
    Stats stats = balancer.stats();
    StringBuilder page = new StringBuilder();
    long active = stats.frontends().stream().mapToLong(f -> f.traffic().current()).sum();
    long total = stats.frontends().stream().mapToLong(f -> f.traffic().total()).sum();
    long rate = stats.frontends().stream().mapToLong(f -> f.traffic().rate()).sum();
    process(page, "nbthread", "Number of started threads (global.nbthread)", "gauge",
        balancer.config().ioThreads());
    process(page, "nbproc", "Number of started worker processes (historical, always 1)", "gauge", 1);
    process(page, "relative_process_id", "Relative worker process number (1)", "gauge", 1);
    process(page, "uptime_seconds", "How long ago this worker process was started (seconds)",
        "gauge", ManagementFactory.getRuntimeMXBean().getUptime() / 1000);
    process(page, "start_time_seconds", "Start time in seconds", "gauge",
        ManagementFactory.getRuntimeMXBean().getStartTime() / 1000);
    process(page, "max_fds", "Hard limit on the number of per-process file descriptors", "gauge",
        balancer.limits().ulimitN());
    process(page, "max_sockets", MAX_SOCKETS, "gauge", balancer.limits().maxSock());
    process(page, "max_connections", "Hard limit on the number of per-process connections"
        + " (configured or imposed by Ulimit-n)", "gauge", balancer.limits().maxConn());
    process(page, "hard_max_connections", "Hard limit on the number of per-process connections"
        + " (imposed by Memmax_MB or Ulimit-n)", "gauge", balancer.limits().maxConn());
    process(page, "current_connections", "Current number of connections on this worker process",
        "gauge", active);
    process(page, "connections_total",
        "Total number of connections on this worker process since started", "counter", total);
    process(page, "current_connection_rate", "Number of front connections created on this worker"
        + " process over the last second", "gauge", rate);
    process(page, "current_session_rate",
        "Number of sessions created on this worker process over the last second", "gauge", rate);
    process(page, "stopping", "1 if the worker process is currently stopping, otherwise zero",
        "gauge", 0);
    process(page, "listeners", "Current number of active listeners on the current worker process",
        "gauge", stats.frontends().stream().mapToLong(f -> balancer.boundAddresses(f.name()).size()).sum());
    process(page, "dropped_logs_total",
        "Total number of dropped logs for current worker process since started", "counter",
        balancer.droppedLogs());
    process(page, "bytes_out_total",
        "Total number of bytes emitted by current worker process since started", "counter",
        stats.frontends().stream().mapToLong(f -> f.traffic().bytesOut()).sum());
    process(page, "spliced_bytes_out_total", "Total number of bytes emitted by current worker"
        + " process through a kernel pipe since started", "counter",
        stats.frontends().stream().mapToLong(f -> f.traffic().splicedOut()).sum());

    List<FrontendStats> frontends = stats.frontends();
    frontends(page, "current_sessions", SESSIONS, "gauge", frontends, f -> f.traffic().current());
    frontends(page, "max_sessions", MAX_SESSIONS, "gauge", frontends, f -> f.traffic().maxCurrent());
    frontends(page, "limit_sessions", LIMIT, "gauge", frontends, f -> limit(balancer, f.name()));
    frontends(page, "sessions_total", TOTAL, "counter", frontends, f -> f.traffic().total());
    frontends(page, "bytes_in_total", BYTES_IN, "counter", frontends, f -> f.traffic().bytesIn());
    frontends(page, "bytes_out_total", BYTES_OUT, "counter", frontends, f -> f.traffic().bytesOut());
    header(page, "haproxy_frontend_status", STATUS, "gauge");
    for (FrontendStats frontend : frontends) {
      // A frontend that holds its maxconn (FULL) still listens: UP, as HAProxy reports it.
      states(page, "haproxy_frontend_status", label(frontend.name()), List.of("DOWN", "UP"), "UP");
    }
    frontends(page, "max_session_rate", MAX_RATE, "gauge", frontends, f -> f.traffic().maxRate());
    frontends(page, "connections_rate_max", "Highest value of connections per second observed since"
        + " the worker process started", "gauge", frontends, f -> f.traffic().maxRate());
    frontends(page, "connections_total", "Total number of new connections accepted on this frontend"
        + " since the worker process started", "counter", frontends, f -> f.traffic().total());

    List<BackendStats> backends = stats.backends();
    backends(page, "current_queue", QUEUE, "gauge", backends, b -> b.traffic().queued());
    backends(page, "max_queue", MAX_QUEUE, "gauge", backends, b -> b.traffic().maxQueued());
    backends(page, "current_sessions", SESSIONS, "gauge", backends, b -> b.traffic().current());
    backends(page, "max_sessions", MAX_SESSIONS, "gauge", backends, b -> b.traffic().maxCurrent());
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
    backends(page, "weight", WEIGHT, "gauge", backends, PrometheusPage::activeWeight);
    backends(page, "active_servers", "Total number of active UP servers with a non-zero weight",
        "gauge", backends, b -> b.servers().stream()
            .filter(s -> !s.backup() && s.status() == ServerStatus.UP && s.weight() > 0).count());
    backends(page, "backup_servers", "Total number of backup UP servers with a non-zero weight",
        "gauge", backends, b -> b.servers().stream()
            .filter(s -> s.backup() && s.status() == ServerStatus.UP && s.weight() > 0).count());
    backends(page, "check_last_change_seconds", LAST_CHANGE, "gauge", backends,
        b -> ageSeconds(b.lastChange().toEpochMilli()));
    backends(page, "downtime_seconds_total", DOWNTIME, "counter", backends,
        b -> b.downtime().toSeconds());
    backends(page, "loadbalanced_total", LOADBALANCED, "counter", backends, b -> b.traffic().total());
    backends(page, "max_session_rate", MAX_RATE, "gauge", backends, b -> b.traffic().maxRate());
    backends(page, "client_aborts_total", CLIENT_ABORTS, "counter", backends,
        b -> b.traffic().clientAborts());
    backends(page, "server_aborts_total", SERVER_ABORTS, "counter", backends,
        b -> b.traffic().serverAborts());
    backends(page, "last_session_seconds", LAST_SESSION, "gauge", backends,
        b -> lastSession(b.traffic()));
    for (TimeMetric time : TimeMetric.values()) {
      backends(page, time.metric, time.help, "gauge", backends, b -> time.seconds(b.traffic()));
    }
    backends(page, "uweight", USER_WEIGHT, "gauge", backends, PrometheusPage::activeWeight);

    servers(page, "current_queue", QUEUE, "gauge", backends, s -> s.traffic().queued());
    servers(page, "max_queue", MAX_QUEUE, "gauge", backends, s -> s.traffic().maxQueued());
    servers(page, "current_sessions", SESSIONS, "gauge", backends, s -> s.traffic().current());
    servers(page, "max_sessions", MAX_SESSIONS, "gauge", backends, s -> s.traffic().maxCurrent());
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
    servers(page, "check_up_down_total", "Total number of failed checks causing UP to DOWN server"
        + " transitions, per server/backend, since the worker process started", "counter", backends,
        s -> s.check() == null ? 0 : s.check().downTransitions());
    servers(page, "check_last_change_seconds", LAST_CHANGE, "gauge", backends,
        s -> ageSeconds(s.lastChange().toEpochMilli()));
    servers(page, "downtime_seconds_total", DOWNTIME, "counter", backends,
        s -> s.check() == null ? Double.NaN : s.downtime().toSeconds());
    servers(page, "queue_limit", "Limit on the number of connections in queue, for servers only"
        + " (maxqueue argument)", "gauge", backends, s -> s.maxQueue() == 0 ? Double.NaN : s.maxQueue());
    servers(page, "loadbalanced_total", LOADBALANCED, "counter", backends, s -> s.traffic().total());
    servers(page, "max_session_rate", MAX_RATE, "gauge", backends, s -> s.traffic().maxRate());
    servers(page, "client_aborts_total", CLIENT_ABORTS, "counter", backends,
        s -> s.traffic().clientAborts());
    servers(page, "server_aborts_total", SERVER_ABORTS, "counter", backends,
        s -> s.traffic().serverAborts());
    servers(page, "last_session_seconds", LAST_SESSION, "gauge", backends,
        s -> lastSession(s.traffic()));
    for (TimeMetric time : TimeMetric.values()) {
      servers(page, time.metric, time.help, "gauge", backends, sv -> time.seconds(sv.traffic()));
    }
    servers(page, "uweight", USER_WEIGHT, "gauge", backends, s -> s.weight());
    return page.toString();
  }

  /** The weights of a backend's active servers that are UP. */
  private static double activeWeight(BackendStats backend) {
    return backend.servers().stream().filter(s -> !s.backup() && s.status() == ServerStatus.UP)
        .mapToLong(ServerStats::weight).sum();
  }

  private static double lastSession(Traffic traffic) {
    return traffic.lastSession() == null ? -1 : ageSeconds(traffic.lastSession().toEpochMilli());
  }

  private static long ageSeconds(long epochMillis) {
    return Math.max(0, (System.currentTimeMillis() - epochMillis) / 1000);
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
