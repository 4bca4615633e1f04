package io.steelyard.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.steelyard.lb.Balancer;
import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.TestClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The embedding example: its service reports what its balancer does, as servers come and go. */
class EmbeddedBalancerTest {

  @Test
  void theApplicationsServiceReportsItsBalancersServers() throws Exception {
    try (TestBackend one = TestBackend.greeting("one");
        TestBackend two = TestBackend.greeting("two");
        Balancer balancer = EmbeddedBalancer.start("127.0.0.1:0", one.hostPort(), two.hostPort())) {
      HttpServer service = EmbeddedBalancer.serve(balancer, new InetSocketAddress("127.0.0.1", 0));
      try {
        InetSocketAddress front = balancer.boundAddresses("ft_app").get(0);
        for (int i = 0; i < 4; i++) {
          try (Socket client = TestClient.connect(front)) {
            assertThat(TestClient.readLine(client)).isIn("one", "two");
          }
        }
        // Leastconn rotates over idle servers; the counts settle once the sessions have ended.
        await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> get(service).equals("s1 UP 0 open 2 total\ns2 UP 0 open 2 total\n"));

        two.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> get(service).contains("s2 DOWN"));
        try (Socket client = TestClient.connect(front)) {
          assertThat(TestClient.readLine(client)).isEqualTo("one");
        }
      } finally {
        service.stop(0);
      }
    }
  }

  private static String get(HttpServer service) throws IOException {
    URL url = new URL("http://127.0.0.1:" + service.getAddress().getPort() + "/servers");
    try (InputStream in = url.openStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
