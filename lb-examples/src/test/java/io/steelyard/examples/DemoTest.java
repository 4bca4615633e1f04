package io.steelyard.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The demo in this JVM, under Netty's leak detector, shortened to a few seconds. */
class DemoTest {

  private static String run(Demo demo, ByteArrayOutputStream out) throws InterruptedException {
    assertThat(demo.run()).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void printsATableASecondThenASummaryAndClosesEverything() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String text = run(new Demo(new PrintStream(out, true, StandardCharsets.UTF_8), Duration.ofSeconds(3), false), out);
    assertThat(text).contains("balance leastconn").contains("after 1 s:").contains("after 2 s:");
    assertThat(text).doesNotContain("\033[");
    String summary = text.substring(text.lastIndexOf("after "));
    assertThat(summary).containsPattern("s1 +UP +0 ").containsPattern("s2 +UP +0 ")
        .containsPattern("s3 +UP +0 ").containsPattern("all +0 ");
    assertThat(summary).containsPattern("\\d+ client connections in [0-9.]+ s, 0 failed;");
    assertThat(summary).endsWith("Stopped the clients, the balancer and the servers.\n");
  }

  @Test
  void onATerminalTheTableIsRedrawnInPlace() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String text = run(new Demo(new PrintStream(out, true, StandardCharsets.UTF_8), Duration.ofSeconds(2), true), out);
    assertThat(text).contains("\033[6F\033[J");
  }

  @Test
  void stopEndsADemoThatRunsForever() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Demo demo = new Demo(new PrintStream(out, true, StandardCharsets.UTF_8), null, false);
    CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> {
      try {
        return demo.run();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    Thread.sleep(1_500);
    demo.stop();
    assertThat(status.get(5, TimeUnit.SECONDS)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("until Ctrl-C").contains("0 failed;");
  }

  @Test
  void aDemoServerAnswersEachRequestWithTheBytesItAsksFor() throws IOException {
    try (DemoServer server = DemoServer.start("s1", Duration.ZERO)) {
      String[] hostPort = server.hostPort().split(":");
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 2_000);
        socket.setSoTimeout(5_000);
        OutputStream requests = socket.getOutputStream();
        InputStream answers = socket.getInputStream();
        requests.write("5\n70000\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(answers.readNBytes(70_005)).hasSize(70_005);
        requests.write("0\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(answers.read()).as("a request out of range closes the connection").isEqualTo(-1);
      }
    }
  }
}
