package io.steelyard.launcher.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.TestClient;
import io.steelyard.lb.testing.Tools;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection log as syslog receives it, side by side with HAProxy 2.6.12 on the same file:
 * each runs it in turn, one client connects through it, and five UDP listeners take what each
 * sends in the five formats (the default, rfc3164, rfc5424, short, raw). Once the times, the
 * process ids and the client's port are masked, Steelyard's datagrams are HAProxy's, byte for byte,
 * counters included (the server and backend counted out of them, the frontend not yet).
 */
class SyslogSideBySideTest {
  private static final List<String> FORMATS = List.of("local", "rfc3164", "rfc5424", "short", "raw");

  @TempDir Path dir;

  @Test
  void tcplogLinesReachASyslogListenerInHaproxysFormats() throws Exception {
    Tools.require("haproxy");
    try (TestBackend s1 = TestBackend.greeting("s1")) {
      Map<String, DatagramSocket> listeners = new LinkedHashMap<>();
      StringBuilder global = new StringBuilder("global\n  log-tag haproxy\n");
      for (String format : FORMATS) {
        DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        socket.setSoTimeout(200);
        listeners.put(format, socket);
        global.append("  log 127.0.0.1:").append(socket.getLocalPort())
            .append(format.equals("local") ? "" : " format " + format).append(" local0\n");
      }
      InetSocketAddress front = TestBackend.refusingAddress();
      Path file = Files.writeString(dir.resolve("haproxy.cfg"), global + """
          defaults
            mode tcp
            log global
            option tcplog
            timeout connect 1s
            timeout client 5s
            timeout server 5s
          frontend ft
            bind 127.0.0.1:FRONT
            default_backend bk
          backend bk
            server s1 SERVER
          """.replace("FRONT", String.valueOf(front.getPort())).replace("SERVER", s1.hostPort()));
      try {
        Map<String, String> haproxy = oneConnection(
            List.of("haproxy", "-db", "-f", file.toString()), front, listeners);
        Map<String, String> steelyard = oneConnection(
            List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                System.getProperty("steelyard.jar"), "-f", file.toString()), front, listeners);
        for (String format : FORMATS) {
          System.out.printf("%s%n  haproxy:   %s  steelyard: %s", format, haproxy.get(format),
              steelyard.get(format));
          assertThat(mask(steelyard.get(format))).as(format).isEqualTo(mask(haproxy.get(format)));
        }
        assertThat(steelyard.get("raw")).matches("127\\.0\\.0\\.1:\\d+ \\[\\d\\d/\\w{3}/\\d{4}:[\\d:.]+\\]"
            + " ft bk/s1 0/\\d+/\\d+ 15 -- \\d+/\\d+/\\d+/\\d+/0 0/0\n");
      } finally {
        listeners.values().forEach(DatagramSocket::close);
      }
    }
  }

  /**
   * A {@code log-format} with every variable Steelyard takes, quoted and not, side by side with
   * HAProxy in the raw format: equal once the times, ports, dates and process id are masked.
   */
  @Test
  void logFormatLinesAreHaproxys() throws Exception {
    Tools.require("haproxy");
    try (TestBackend s1 = TestBackend.greeting("s1");
        DatagramSocket listener = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      listener.setSoTimeout(200);
      InetSocketAddress front = TestBackend.refusingAddress();
      String format = "cp=%cp ci=%ci fi=%fi:%fp bi=%bi bp=%bp si=%si:%sp t=[%t] T=[%T] Tl=[%Tl]"
          + " Ts=%Ts ms=%ms %f %ft %b/%s times=%Tw/%Tc/%Td/%Tt %B %U %ts"
          + " %ac/%fc/%bc/%sc/%rc %sq/%bq %{+Q}ci %{+Q}s %{+Q}b %{-Q}f pid=%pid %H 100%%";
      Path file = Files.writeString(dir.resolve("haproxy.cfg"), """
          global
            log 127.0.0.1:LOG format raw local0
          defaults
            mode tcp
            log global
            timeout connect 1s
            timeout client 5s
            timeout server 5s
          frontend ft
            bind 127.0.0.1:FRONT
            log-format "FORMAT"
            default_backend bk
          backend bk
            server s1 SERVER
          """.replace("LOG", String.valueOf(listener.getLocalPort())).replace("FORMAT", format)
          .replace("FRONT", String.valueOf(front.getPort())).replace("SERVER", s1.hostPort()));
      Map<String, DatagramSocket> listeners = Map.of("raw", listener);
      String haproxy = oneConnection(List.of("haproxy", "-db", "-f", file.toString()), front, listeners)
          .get("raw");
      String steelyard = oneConnection(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
          System.getProperty("steelyard.jar"), "-f", file.toString()), front, listeners).get("raw");
      System.out.printf("haproxy:   %ssteelyard: %s", haproxy, steelyard);
      assertThat(maskFormat(steelyard)).isEqualTo(maskFormat(haproxy));
      assertThat(steelyard).contains(" fi=127.0.0.1:" + front.getPort() + " ", " si=" + s1.hostPort() + " ",
          " ft ft bk/s1 ", " \"127.0.0.1\" \"s1\" \"bk\" ft ", " 100%\n");
    }
  }

  /** A log-format line with its ports, dates, times and process id masked. */
  private static String maskFormat(String line) {
    return line
        .replaceAll("(cp|bp|ms|Ts|pid)=\\d+", "$1=N")
        .replaceAll("(t|T|Tl)=\\[[^]]+\\]", "$1=[DATE]")
        .replaceAll("times=\\d+/-?\\d+/-?\\d+/\\d+", "times=T");
  }

  /**
   * Runs {@code command}, connects once through it when it listens, and returns the datagram of
   * that connection each listener got (lines of other events, such as HAProxy's proxy starts, are
   * left aside), then stops it.
   */
  private Map<String, String> oneConnection(
      List<String> command, InetSocketAddress front, Map<String, DatagramSocket> listeners)
      throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve(command.get(0).replace('/', '_') + ".log").toFile()).start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        try {
          return TestClient.whoAnswers(front, null).equals("s1");
        } catch (IOException e) {
          return false;
        }
      });
      Map<String, String> lines = new LinkedHashMap<>();
      for (Map.Entry<String, DatagramSocket> listener : listeners.entrySet()) {
        List<String> got = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (got.stream().noneMatch(line -> line.contains(" ft bk/s1 ")) && System.nanoTime() < deadline) {
          byte[] buffer = new byte[2048];
          DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
          try {
            listener.getValue().receive(packet);
            got.add(new String(buffer, 0, packet.getLength(), StandardCharsets.UTF_8));
          } catch (SocketTimeoutException e) {
            // wait on
          }
        }
        lines.put(listener.getKey(), got.stream().filter(line -> line.contains(" ft bk/s1 "))
            .findFirst().orElseThrow(() -> new AssertionError(command.get(0) + " sent no "
                + listener.getKey() + " line: " + got)));
        drain(listener.getValue());
      }
      return lines;
    } finally {
      process.destroy();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      for (DatagramSocket socket : listeners.values()) {
        drain(socket);
      }
    }
  }

  private static void drain(DatagramSocket socket) throws IOException {
    byte[] buffer = new byte[2048];
    try {
      while (true) {
        socket.receive(new DatagramPacket(buffer, buffer.length));
      }
    } catch (SocketTimeoutException e) {
      // empty
    }
  }

  /** The datagram with its times, process id and client port masked. */
  private static String mask(String line) {
    return line
        .replaceAll("^<(\\d+)>\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d ", "<$1>DATE ")
        .replaceAll("^<(\\d+)>1 \\S+ ", "<$1>1 DATE ")
        .replaceAll("haproxy\\[\\d+\\]", "haproxy[PID]")
        .replaceAll(" haproxy \\d+ ", " haproxy PID ")
        .replaceAll("127\\.0\\.0\\.1:\\d+ \\[[^]]+\\]", "127.0.0.1:PORT [ACCEPT]")
        .replaceAll(" -?\\d+/-?\\d+/-?\\d+ (\\d+) ", " TIMES $1 ");
  }
}
