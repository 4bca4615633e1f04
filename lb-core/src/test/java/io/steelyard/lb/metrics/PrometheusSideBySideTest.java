package io.steelyard.lb.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steelyard.lb.Balancer;
import io.steelyard.lb.schedule.Balance;
import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.TestClient;
import io.steelyard.lb.testing.Tools;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Steelyard's {@code /metrics} page beside HAProxy 2.6.12's Prometheus exporter, on the same
 * frontend, backend and server, after one client each: every metric Steelyard serves is one
 * HAProxy serves, with the same HELP text, type and labels, and the counters of that one
 * connection agree. It prints which of HAProxy's metrics of a frontend, backend, server or the
 * process Steelyard serves, and how many it does not yet.
 */
class PrometheusSideBySideTest {
  @TempDir Path dir;

  @Test
  void theMetricsServedHaveHaproxysNamesHelpTypesAndLabels() throws Exception {
    Tools.require("haproxy");
    try (TestBackend s1 = TestBackend.greeting("s1")) {
      InetSocketAddress hapFront = TestBackend.refusingAddress();
      InetSocketAddress hapMetrics = TestBackend.refusingAddress();
      Path config = Files.writeString(dir.resolve("haproxy.cfg"), """
          defaults
            mode tcp
            timeout connect 1s
            timeout client 5s
            timeout server 5s
          frontend prometheus
            mode http
            bind 127.0.0.1:METRICS
            http-request use-service prometheus-exporter if { path /metrics }
            no log
          frontend ft
            bind 127.0.0.1:FRONT
            default_backend bk
          backend bk
            balance leastconn
            server s1 SERVER
          """.replace("METRICS", String.valueOf(hapMetrics.getPort()))
          .replace("FRONT", String.valueOf(hapFront.getPort())).replace("SERVER", s1.hostPort()));
      Process haproxy = new ProcessBuilder("haproxy", "-db", "-f", config.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
      String theirs;
      try {
        await().atMost(Duration.ofSeconds(10)).until(() -> answers(hapFront));
        await().atMost(Duration.ofSeconds(5)).until(() -> get(hapMetrics).contains("haproxy_frontend_sessions_total{proxy=\"ft\"} 1"));
        theirs = get(hapMetrics);
      } finally {
        haproxy.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }

      InetSocketAddress ourMetrics = TestBackend.refusingAddress();
      String ours;
      try (Balancer balancer = Balancer.builder()
          .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
          .backend("bk", b -> b.balance(Balance.leastConn()).server("s1", s1.hostPort()))
          .attach(PrometheusExporter.on(ourMetrics))
          .start()) {
        assertThat(answers(balancer.boundAddresses("ft").get(0))).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> get(ourMetrics).contains("haproxy_frontend_sessions_total{proxy=\"ft\"} 1"));
        ours = get(ourMetrics);
      }

      Map<String, List<String>> haproxyMetrics = metrics(theirs);
      Map<String, List<String>> steelyardMetrics = metrics(ours);
      for (Map.Entry<String, List<String>> metric : steelyardMetrics.entrySet()) {
        assertThat(haproxyMetrics).as("HAProxy serves " + metric.getKey()).containsKey(metric.getKey());
        List<String> hap = haproxyMetrics.get(metric.getKey());
        assertThat(metric.getValue().subList(0, 2)).as("HELP and TYPE of " + metric.getKey())
            .isEqualTo(hap.subList(0, 2));
        assertThat(labelSets(metric.getValue())).as("labels of " + metric.getKey())
            .isEqualTo(labelSets(hap.stream().filter(line -> !line.contains("proxy=\"prometheus\"")).toList()));
      }
      for (String sample : List.of(
          "haproxy_frontend_sessions_total{proxy=\"ft\"} 1",
          "haproxy_backend_sessions_total{proxy=\"bk\"} 1",
          "haproxy_server_sessions_total{proxy=\"bk\",server=\"s1\"} 1",
          "haproxy_frontend_bytes_out_total{proxy=\"ft\"} 15",
          "haproxy_server_status{proxy=\"bk\",server=\"s1\",state=\"UP\"} 1",
          "haproxy_backend_status{proxy=\"bk\",state=\"UP\"} 1",
          "haproxy_server_limit_sessions{proxy=\"bk\",server=\"s1\"} NaN",
          "haproxy_backend_max_sessions{proxy=\"bk\"} 1",
          "haproxy_server_max_sessions{proxy=\"bk\",server=\"s1\"} 1",
          "haproxy_backend_max_queue{proxy=\"bk\"} 0",
          "haproxy_server_max_session_rate{proxy=\"bk\",server=\"s1\"} 1",
          "haproxy_server_downtime_seconds_total{proxy=\"bk\",server=\"s1\"} NaN",
          "haproxy_process_nbproc 1",
          "haproxy_process_stopping 0",
          "haproxy_backend_loadbalanced_total{proxy=\"bk\"} 1",
          "haproxy_server_loadbalanced_total{proxy=\"bk\",server=\"s1\"} 1",
          "haproxy_server_uweight{proxy=\"bk\",server=\"s1\"} 1")) {
        assertThat(theirs).as("HAProxy").contains(sample + "\n");
        assertThat(ours).as("Steelyard").contains(sample + "\n");
      }
      // HAProxy's frontend may count the connection that found it still starting as a second
      // current session (max 2 with 1 session in all): seen once in CI.
      assertThat(theirs).as("HAProxy").containsPattern("haproxy_frontend_max_sessions\\{proxy=\"ft\"\\} [12]\n");
      assertThat(ours).as("Steelyard").contains("haproxy_frontend_max_sessions{proxy=\"ft\"} 1\n");
      TreeSet<String> notYet = new TreeSet<>(haproxyMetrics.keySet());
      notYet.removeAll(steelyardMetrics.keySet());
      System.out.printf("prometheus: Steelyard serves %d of HAProxy's %d metrics: %s%nnot yet: %s%n",
          steelyardMetrics.size(), haproxyMetrics.size(), String.join(" ", steelyardMetrics.keySet()),
          String.join(" ", notYet));
      assertThat(steelyardMetrics).hasSizeGreaterThanOrEqualTo(90);
    }
  }

  private static boolean answers(InetSocketAddress front) {
    try (var socket = TestClient.connect(front)) {
      if (!TestClient.readLine(socket).equals("s1")) {
        return false;
      }
      socket.shutdownOutput();
      return TestClient.readLine(socket).equals("bye from s1");
    } catch (IOException e) {
      return false;
    }
  }

  private static String get(InetSocketAddress at) throws IOException {
    HttpURLConnection http = (HttpURLConnection) URI.create(
        "http://127.0.0.1:" + at.getPort() + "/metrics").toURL().openConnection();
    http.setConnectTimeout(2_000);
    http.setReadTimeout(5_000);
    try (InputStream in = http.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      http.disconnect();
    }
  }

  /** Each metric's lines: HELP, TYPE, then its samples. */
  private static Map<String, List<String>> metrics(String page) {
    Map<String, List<String>> metrics = new LinkedHashMap<>();
    String current = null;
    for (String line : page.split("\n")) {
      if (line.startsWith("# HELP ")) {
        current = line.split(" ")[2];
        metrics.put(current, new java.util.ArrayList<>());
      }
      if (current != null) {
        metrics.get(current).add(line);
      }
    }
    return metrics;
  }

  /** The label sets of a metric's samples, without their values. */
  private static TreeSet<String> labelSets(List<String> lines) {
    return lines.stream().filter(line -> !line.startsWith("#"))
        .map(line -> line.substring(0, line.lastIndexOf(' ')))
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
