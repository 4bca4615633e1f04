package io.steelyard.launcher.haproxy;

import static io.steelyard.lb.testing.ScriptedServer.read;
import static io.steelyard.lb.testing.ScriptedServer.write;
import static io.steelyard.lb.testing.ScriptedServer.writeHex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steelyard.lb.Balancer;
import io.steelyard.lb.health.HealthListener;
import io.steelyard.lb.health.ServerEvent;
import io.steelyard.lb.testing.ScriptedServer;
import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.TestAgent;
import io.steelyard.lb.testing.Tools;
import io.steelyard.lb.testing.UnixSocket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One file with every kind of check, run by HAProxy 2.6 (Debian's package) and by Steelyard's
 * launcher against the same scripted servers: {@code show stat} says the same of each server
 * ({@code status}, {@code check_status}, {@code check_code}, {@code last_chk}), and each logs the
 * same transitions, but for the time a check took.
 */
class HealthCheckSideBySideTest {
  /** Both files' start: the stats socket, the log on standard output, the timeouts. */
  private static final String HEADER = """
      global
        stats socket SOCKET level admin
        log stdout format raw local0
      defaults
        mode tcp
        log global
        timeout connect 1s
        timeout client 5s
        timeout server 5s
      """;

  private static final String FILE = HEADER + """
        timeout check 500ms
        default-server inter 200 rise 1 fall 1
      listen redis
        bind 127.0.0.1:PORT1
        option redis-check
        server ok REDIS_OK check
        server err REDIS_ERR check
        server empty SILENT_CLOSE check
        server comma REDIS_COMMA check
      listen rules
        bind 127.0.0.1:PORT2
        option tcp-check
        tcp-check comment "say ping"
        tcp-check send PING\\r\\n
        tcp-check expect string +PONG comment "want pong"
        server nope TCP_NOPE check
        server refused REFUSED check
        server matched TCP_PONG check
        server silent SILENT_HOLD check
      listen smtp
        bind 127.0.0.1:PORT3
        option smtpchk
        server busy SMTP_554 check
      listen mysql
        bind 127.0.0.1:PORT4
        option mysql-check user bob
        server denied MYSQL_DENIED check
      listen ldap
        bind 127.0.0.1:PORT5
        option ldap-check
        server rc49 LDAP_49 check
      listen pgsql
        bind 127.0.0.1:PORT6
        option pgsql-check user bob
        server fatal PGSQL_FATAL check
      """;

  private final List<ScriptedServer> servers = new ArrayList<>();
  private final List<String> steelyardLines = new CopyOnWriteArrayList<>();
  private Process haproxy;
  private Balancer steelyard;

  @AfterEach
  void stop() throws Exception {
    if (haproxy != null) {
      haproxy.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (steelyard != null) {
      steelyard.close();
    }
    for (ScriptedServer server : servers) {
      server.close();
    }
  }

  private String serve(ScriptedServer server) {
    servers.add(server);
    return "127.0.0.1:" + server.address().getPort();
  }

  private static String packet(int sequence, String payloadHex) {
    int length = payloadHex.length() / 2;
    return String.format("%02x%02x%02x%02x", length & 0xFF, length >> 8 & 0xFF, length >> 16,
        sequence) + payloadHex;
  }

  @Test
  void showStatAndTransitionsReadAsHaproxys(@TempDir Path dir) throws Exception {
    Tools.require("haproxy");
    String file = FILE
        .replace("REDIS_OK", serve(ScriptedServer.thenClose(read(14), write("+PONG\r\n"))))
        .replace("REDIS_ERR",
            serve(ScriptedServer.thenClose(read(14), write("-ERR unknown command\r\n"))))
        .replace("REDIS_COMMA", serve(ScriptedServer.thenClose(read(14),
            write("-ERR wrong number of arguments, \"ping\"\r\n"))))
        .replace("SILENT_CLOSE", serve(ScriptedServer.thenClose(read(14))))
        .replace("TCP_PONG", serve(ScriptedServer.thenClose(read(6), write("+PONG\r\n"))))
        .replace("TCP_NOPE", serve(ScriptedServer.thenClose(read(6), write("-NOPE\r\n"))))
        .replace("SILENT_HOLD", serve(ScriptedServer.thenHold(read(6))))
        .replace("REFUSED", "127.0.0.1:" + TestBackend.refusingAddress().getPort())
        .replace("SMTP_554", serve(ScriptedServer.thenClose(write("554 go away\r\n"))))
        .replace("MYSQL_DENIED", serve(ScriptedServer.thenClose(
            writeHex(packet(0, "0a" + "352e372e3432" + "00" + "01000000")), read(46),
            writeHex(packet(2, "ff1504" + HexFormat.of().formatHex(
                "#28000Access denied for user 'bob'".getBytes(StandardCharsets.US_ASCII)))))))
        .replace("LDAP_49",
            serve(ScriptedServer.thenClose(read(14), writeHex("300c02010161070a013104000400"))))
        .replace("PGSQL_FATAL", serve(ScriptedServer.thenClose(read(18), writeHex("45"
            + "0000001f" + "53" + HexFormat.of().formatHex("FATAL\0".getBytes(StandardCharsets.US_ASCII))
            + "43" + HexFormat.of().formatHex("28000\0".getBytes(StandardCharsets.US_ASCII)) + "00"))));

    Path haproxySocket = dir.resolve("haproxy.sock");
    Path haproxyFile = Files.writeString(dir.resolve("haproxy.cfg"), ports(file, haproxySocket));
    Path haproxyLog = dir.resolve("haproxy.log");
    haproxy = new ProcessBuilder("haproxy", "-db", "-f", haproxyFile.toString())
        .redirectErrorStream(true).redirectOutput(haproxyLog.toFile()).start();

    Path steelyardSocket = dir.resolve("steelyard.sock");
    Path steelyardFile = Files.writeString(dir.resolve("steelyard.cfg"), ports(file, steelyardSocket));
    steelyard = HaproxyConfig.read(List.of(steelyardFile)).toBuilder()
        .listener(new HealthListener() {
          @Override
          public void serverChanged(ServerEvent event) {
            steelyardLines.add(event.message());
          }
        })
        .start();

    // Every failing server goes down at its first failed check (fall 1); by then both agree.
    List<String> failing = List.of("redis/err", "redis/empty", "redis/comma", "rules/nope", "rules/refused",
        "rules/silent", "smtp/busy", "mysql/denied", "ldap/rc49", "pgsql/fatal");
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      assertThat(transitions(Files.readString(haproxyLog).lines().toList())).hasSameSizeAs(failing);
      assertThat(transitions(steelyardLines)).hasSameSizeAs(failing);
    });
    Map<String, String> haproxyRows = checkColumns(haproxySocket);
    Map<String, String> steelyardRows = checkColumns(steelyardSocket);
    System.out.println(String.join("\n", haproxyRows.values()));
    assertThat(steelyardRows).isEqualTo(haproxyRows);
    assertThat(transitions(steelyardLines))
        .isEqualTo(transitions(Files.readString(haproxyLog).lines().toList()));
  }

  private static final String AGENT_FILE = HEADER + """
      listen app
        bind 127.0.0.1:PORT1
        server s1 SERVER check inter 200 weight 10 agent-check agent-port AGENT agent-inter 200
        server s2 SERVER check inter 200
      """;

  /**
   * An agent that answers {@code drain}, {@code 50%}, {@code maxconn:5}, {@code up}, {@code
   * ready}, {@code down # maintenance window}, {@code up maxconn:0}, {@code maint} and {@code
   * ready} in turn steers the server alike in both: status, weight, maxconn, the agent's columns,
   * and the lines logged.
   */
  @Test
  void anAgentSteersTheServerAsHaproxysDoes(@TempDir Path dir) throws Exception {
    Tools.require("haproxy");
    try (TestAgent agent = TestAgent.answering("up")) {
      String file = AGENT_FILE.replace("SERVER", serve(ScriptedServer.thenHold()))
          .replace("AGENT", String.valueOf(agent.port()));
      Path haproxySocket = dir.resolve("haproxy.sock");
      Path haproxyLog = dir.resolve("haproxy.log");
      haproxy = new ProcessBuilder("haproxy", "-db", "-f",
          Files.writeString(dir.resolve("haproxy.cfg"), ports(file, haproxySocket)).toString())
          .redirectErrorStream(true).redirectOutput(haproxyLog.toFile()).start();
      Path steelyardSocket = dir.resolve("steelyard.sock");
      steelyard = HaproxyConfig.read(List.of(Files.writeString(dir.resolve("steelyard.cfg"),
              ports(file, steelyardSocket)))).toBuilder()
          .listener(new HealthListener() {
            @Override
            public void serverChanged(ServerEvent event) {
              steelyardLines.add(event.message());
            }
          })
          .start();

      for (String answer : List.of("up", "drain", "50%", "maxconn:5", "up", "ready",
          "down # maintenance window", "up maxconn:0", "maint", "ready")) {
        agent.answer(answer);
        Map<String, String> haproxyRows = agentColumns(haproxySocket);
        Map<String, String> steelyardRows = agentColumns(steelyardSocket);
        System.out.println(answer + " -> " + haproxyRows.get("app/s1"));
        assertThat(steelyardRows).as("after '%s'", answer).isEqualTo(haproxyRows);
      }
      // HAProxy also says "Server app/s1 remains in forced drain mode." at every agent answer
      // that touches a drained server (each 50% and up above), where nothing changes; Steelyard
      // logs changes only. And when the agent's up brings the server back, HAProxy gives as the
      // reason either the agent's answer or, when the health check's run came first, that
      // check's (Layer4 check passed): Steelyard gives the agent's, which made the change.
      String agentUp = "Server app/s1 is UP, reason: Layer7 check passed, code: 0, info:"
          + " \"via agent : up\", check duration: 0ms.";
      assertThat(transitions(steelyardLines)).isEqualTo(transitions(
          Files.readString(haproxyLog).lines()
              .filter(line -> !line.endsWith(" remains in forced drain mode."))
              .map(line -> line.replaceFirst(
                  "^Server app/s1 is UP, reason: Layer4 check passed, check duration: \\d+ms\\.",
                  agentUp))
              .toList()));
    }
  }

  /**
   * The agent's and the server's columns, once the agent has been asked a few times since its
   * answer changed and no check runs.
   */
  private static Map<String, String> agentColumns(Path socket) throws Exception {
    long settle = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(600);
    return await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
        .until(() -> readColumns(socket, List.of("status", "weight", "slim", "agent_status",
                "agent_code", "last_agt", "check_status")),
            rows -> System.nanoTime() > settle
                && rows.values().stream().noneMatch(r -> r.contains("* ")));
  }

  /**
   * The transition lines, sorted, with the time a check took and the backend's tally masked: the
   * servers of a section go down in whatever order their checks end.
   */
  private static List<String> transitions(List<String> lines) {
    return lines.stream()
        .filter(line -> line.startsWith("Server "))
        .map(line -> line.replaceAll("check duration: \\d+ms", "check duration: Nms")
            .replaceAll("\\d+ active and \\d+ backup", "N active and M backup"))
        .sorted()
        .toList();
  }

  /**
   * {@code show stat} of each server: status, check_status, check_code and last_chk, keyed by
   * proxy/server; read once no check is under way, so that no status carries HAProxy's {@code *}.
   */
  private static Map<String, String> checkColumns(Path socket) throws Exception {
    return await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
        .until(() -> readColumns(socket), rows -> rows.values().stream().noneMatch(r -> r.contains("* ")));
  }

  private static Map<String, String> readColumns(Path socket) throws IOException {
    return readColumns(socket, List.of("status", "check_status", "check_code", "last_chk"));
  }

  private static Map<String, String> readColumns(Path socket, List<String> columns)
      throws IOException {
    List<String> lines = UnixSocket.ask(socket, "show stat\n").lines().toList();
    List<String> header = List.of(lines.get(0).substring(2).split(",", -1));
    Map<String, String> rows = new TreeMap<>();
    for (String line : lines.subList(1, lines.size())) {
      List<String> fields = splitCsv(line);
      if (fields.size() < header.size() || fields.get(1).equals("FRONTEND")
          || fields.get(1).equals("BACKEND")) {
        continue;
      }
      String row = columns.stream()
          .map(column -> column + "=" + fields.get(header.indexOf(column)))
          .collect(Collectors.joining(" "));
      rows.put(fields.get(0) + "/" + fields.get(1), row);
    }
    return rows;
  }

  /**
   * Splits one CSV line at the commas outside double quotes, keeping each field as written,
   * quotes included, so that a difference in quoting shows.
   */
  private static List<String> splitCsv(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == ',' && !quoted) {
        fields.add(field.toString());
        field.setLength(0);
        continue;
      }
      if (c == '"') {
        quoted = !quoted;
      }
      field.append(c);
    }
    fields.add(field.toString());
    return fields;
  }

  /** {@code file} with its own listening ports and stats socket. */
  private static String ports(String file, Path socket) throws IOException {
    String text = file.replace("SOCKET", socket.toString());
    for (int i = 1; i <= 6; i++) {
      text = text.replace("PORT" + i, String.valueOf(TestBackend.refusingAddress().getPort()));
    }
    return text;
  }

}
