package io.steelyard.lb.cli;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.steelyard.lb.Balancer;
import io.steelyard.lb.StartException;
import io.steelyard.lb.health.ServerStatus;
import io.steelyard.lb.schedule.Balance;
import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.TestClient;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stats socket as operators use it: {@code socat} round trips for every command, compared with
 * what HAProxy 2.6.12 answers to the same commands (captured from a real HAProxy).
 */
class StatsSocketTest {
  /** HAProxy 2.6.12's {@code show stat} header up to {@code agg_check_status}, as it prints it. */
  private static final String HAPROXY_HEADER =
      "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,"
          + "wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,"
          + "throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,"
          + "check_duration,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,"
          + "req_rate,req_rate_max,req_tot,cli_abrt,srv_abrt,comp_in,comp_out,comp_byp,comp_rsp,"
          + "lastsess,last_chk,last_agt,qtime,ctime,rtime,ttime,agent_status,agent_code,"
          + "agent_duration,check_desc,agent_desc,check_rise,check_fall,check_health,agent_rise,"
          + "agent_fall,agent_health,addr,cookie,mode,algo,conn_rate,conn_rate_max,conn_tot,"
          + "intercepted,dcon,dses,wrew,connect,reuse,cache_lookups,cache_hits,srv_icur,src_ilim,"
          + "qtime_max,ctime_max,rtime_max,ttime_max,eint,idle_conn_cur,safe_conn_cur,"
          + "used_conn_cur,need_conn_est,uweight,agg_server_status,agg_server_check_status,"
          + "agg_check_status,";

  @TempDir Path dir;
  private TestBackend s1;
  private TestBackend s2;
  private Balancer balancer;
  private InetSocketAddress front;
  private Path admin;
  private Path user;
  private Path operator;

  @BeforeEach
  void start() {
    s1 = TestBackend.greeting("s1");
    s2 = TestBackend.greeting("s2");
    admin = dir.resolve("admin.sock");
    user = dir.resolve("user.sock");
    operator = dir.resolve("operator.sock");
    balancer =
        Balancer.builder()
            .drainTimeout(ofSeconds(1))
            .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
            .backend("bk", b -> b.balance(Balance.leastConn())
                .stickOnSource(t -> t.size(1000).expire(ofMinutes(30)))
                .server("s1", s1.hostPort(), s -> s.weight(10))
                .server("s2", s2.hostPort(), s -> s.id(12).check().inter(ofMillis(100)))
                .server("s3", hostPort(TestBackend.refusingAddress()),
                    s -> s.check().inter(ofMillis(100))))
            .attach(StatsSocket.unix(admin).mode(0660).level(Level.ADMIN))
            .attach(StatsSocket.unix(user).level(Level.USER))
            .attach(StatsSocket.unix(operator))
            .start();
    front = balancer.boundAddresses("ft").get(0);
    await().until(() -> balancer.stats().backend("bk").server("s3").status() == ServerStatus.DOWN);
  }

  @AfterEach
  void stop() {
    balancer.close();
    s1.close();
    s2.close();
  }

  private static String hostPort(InetSocketAddress address) {
    return "127.0.0.1:" + address.getPort();
  }

  private String admin(String command) throws Exception {
    return Socat.run(admin, command + "\n");
  }

  @Test
  void showStatPrintsHaproxysHeaderAndALinePerFrontendServerAndBackend() throws Exception {
    String first = TestClient.whoAnswers(front, TestClient.loopback(2));
    String csv = admin("show stat");
    List<String> lines = csv.lines().toList();
    assertThat(lines.get(0) + ",").isEqualTo(HAPROXY_HEADER + ",");
    assertThat(csv).endsWith(",\n\n");
    assertThat(lines).hasSize(7).last().isEqualTo("");

    Map<String, Map<String, String>> rows = rows(csv);
    Map<String, String> frontend = rows.get("ft/FRONTEND");
    assertThat(frontend).containsEntry("status", "OPEN").containsEntry("type", "0")
        .containsEntry("iid", "1").containsEntry("sid", "0").containsEntry("stot", "1")
        .containsEntry("mode", "tcp");
    assertThat(Long.parseLong(frontend.get("bout"))).isGreaterThanOrEqualTo(first.length() + 1);
    assertThat(rows.get("bk/s1")).containsEntry("status", "no check").containsEntry("weight", "10")
        .containsEntry("sid", "1").containsEntry("type", "2").containsEntry("iid", "2")
        .containsEntry("act", "1").containsEntry("bck", "0").containsEntry("chkfail", "")
        .containsEntry("addr", s1.hostPort());
    assertThat(rows.get("bk/s2")).containsEntry("status", "UP").containsEntry("check_status", "L4OK")
        .containsEntry("check_rise", "2").containsEntry("check_fall", "3")
        .containsEntry("check_health", "4").containsEntry("chkfail", "0")
        .containsEntry("check_desc", "Layer4 check passed");
    Map<String, String> s3 = rows.get("bk/s3");
    assertThat(s3).containsEntry("status", "DOWN").containsEntry("check_status", "L4CON")
        .containsEntry("chkdown", "1").containsEntry("check_desc", "Layer4 connection problem");
    assertThat(Long.parseLong(s3.get("chkfail"))).isPositive();
    assertThat(rows.get("bk/BACKEND")).containsEntry("status", "UP").containsEntry("type", "1")
        .containsEntry("act", "2").containsEntry("weight", "11").containsEntry("algo", "leastconn")
        .containsEntry("stot", "1");
    assertThat(rows.get("bk/" + first)).containsEntry("stot", "1").containsEntry("lbtot", "1");
  }

  @Test
  void showStatFillsMaximaRatesTimesAndDowntime() throws Exception {
    String server = null;
    for (int i = 0; i < 3; i++) {
      server = TestClient.whoAnswers(front, TestClient.loopback(2)); // stuck: one server
    }
    await().until(() -> Long.parseLong(rows(admin("show stat")).get("bk/s3").get("downtime")) >= 1);
    Map<String, Map<String, String>> rows = rows(admin("show stat"));
    Map<String, String> frontend = rows.get("ft/FRONTEND");
    assertThat(number(frontend, "smax")).isBetween(1L, 3L);
    assertThat(number(frontend, "rate_max")).isBetween(1L, 3L);
    assertThat(number(frontend, "conn_rate_max")).isBetween(1L, 3L);
    assertThat(frontend.get("rate")).matches("\\d+");
    Map<String, String> backend = rows.get("bk/BACKEND");
    for (Map<String, String> row : List.of(backend, rows.get("bk/" + server))) {
      assertThat(number(row, "smax")).isBetween(1L, 3L);
      assertThat(number(row, "qmax")).isZero();
      assertThat(number(row, "rate_max")).isBetween(1L, 3L);
      assertThat(number(row, "lastsess")).as("seconds since the last session").isBetween(0L, 5L);
      assertThat(number(row, "qtime")).isZero();
      assertThat(number(row, "rtime")).as("none in TCP mode, as HAProxy").isZero();
      assertThat(number(row, "ttime_max")).isGreaterThanOrEqualTo(number(row, "ttime"));
      assertThat(number(row, "ctime_max")).isGreaterThanOrEqualTo(number(row, "ctime"));
      assertThat(number(row, "cli_abrt") + number(row, "srv_abrt")).isBetween(0L, 3L);
    }
    assertThat(number(backend, "downtime")).as("a server was up all along").isZero();
    assertThat(backend.get("lastchg")).matches("\\d+");
    assertThat(number(rows.get("bk/s3"), "downtime")).as("down since start").isPositive();
    assertThat(number(rows.get("bk/s3"), "lastsess")).as("never a session").isEqualTo(-1);
    assertThat(rows.get("bk/s1").get("downtime")).as("not checked: empty, as HAProxy").isEmpty();
  }

  private static long number(Map<String, String> row, String field) {
    assertThat(row.get(field)).as(row.get("svname") + " " + field).matches("-?\\d+");
    return Long.parseLong(row.get(field));
  }

  @Test
  void showStatFiltersByProxyTypeAndServer() throws Exception {
    assertThat(keys(admin("show stat -1 4 -1"))).containsExactly("bk/s1", "bk/s2", "bk/s3");
    assertThat(keys(admin("show stat bk 2 -1"))).containsExactly("bk/BACKEND");
    assertThat(keys(admin("show stat 1 -1 -1"))).containsExactly("ft/FRONTEND");
    assertThat(keys(admin("show stat 2 4 2"))).as("s3, the first id free after s1's")
        .containsExactly("bk/s3");
    assertThat(keys(admin("show stat 2 4 12"))).as("s2's own id").containsExactly("bk/s2");
    assertThat(keys(admin("show stat -1 4 -1 up"))).containsExactly("bk/s1", "bk/s2");
    assertThat(keys(admin("show stat 2 4"))).as("the filter needs its three words").hasSize(5);
    assertThat(admin("show stat nope 1 -1")).isEqualTo("No such proxy.\n\n");
  }

  @Test
  void checksThatChangeTheStateShowAsHaproxysGoingUpAndDown() throws Exception {
    int port = s2.address().getPort();
    List<String> seen = new ArrayList<>();
    try (Socat socat = Socat.open(Socat.unixAddress(admin))) {
      socat.send("prompt\n");
      socat.readUntil("> ");
      s2.stopListening();
      pollStatus(socat, seen, "DOWN");
      s2.close();
      s2 = TestBackend.greeting("s2", port);
      pollStatus(socat, seen, "UP");
    }
    // rise 2, fall 3: up and failing 2/3 then 1/3, down, then down and passing 1/2.
    assertThat(seen).containsExactly("UP", "UP 2/3", "UP 1/3", "DOWN", "DOWN 1/2", "UP");
  }

  /** Asks for s2's status every 10 ms until it is {@code last}, for at most 10 s. */
  private static void pollStatus(Socat socat, List<String> seen, String last) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String status = "";
    while (!status.equals(last) && System.nanoTime() < deadline) {
      socat.send("show stat 2 4 12\n"); // s2's own id
      String answer = socat.readUntil("\n\n> ");
      status = rows(answer.substring(0, answer.length() - 2)).get("bk/s2").get("status");
      if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(status)) {
        seen.add(status);
      }
      Thread.sleep(10);
    }
    assertThat(status).isEqualTo(last);
  }

  private String status(String server) throws Exception {
    return rows(admin("show stat")).get("bk/" + server).get("status");
  }

  @Test
  void serverCommandsChangeStateAndWeightWithHaproxysAnswers() throws Exception {
    assertThat(admin("disable server bk/s1")).isEqualTo("\n");
    assertThat(balancer.stats().backend("bk").server("s1").status()).isEqualTo(ServerStatus.MAINT);
    assertThat(status("s1")).isEqualTo("MAINT");
    assertThat(admin("enable server bk/s1")).isEqualTo("\n");
    assertThat(status("s1")).isEqualTo("no check");
    assertThat(admin("set server bk/s2 state drain")).isEqualTo("\n");
    assertThat(status("s2")).isEqualTo("DRAIN");
    assertThat(admin("set server bk/s2 state maint")).isEqualTo("\n");
    assertThat(status("s2")).isEqualTo("MAINT");
    assertThat(admin("set server bk/s2 state ready")).isEqualTo("\n");
    assertThat(status("s2")).isEqualTo("UP");
    assertThat(admin("set server bk/s2 state foo"))
        .isEqualTo("'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n\n");
    assertThat(admin("set server bk/s2")).startsWith("usage: set server <backend>/<server> addr | ");

    assertThat(admin("set weight bk/s1 5")).isEqualTo("\n");
    assertThat(admin("get weight bk/s1")).isEqualTo("5 (initial 10)\n\n");
    assertThat(admin("set weight bk/s1 50%")).isEqualTo("\n");
    assertThat(admin("get weight bk/s1")).isEqualTo("5 (initial 10)\n\n");
    assertThat(admin("set weight bk/s1 1000%")).isEqualTo("\n");
    assertThat(balancer.admin().weight("bk", "s1")).isEqualTo(100);
    assertThat(admin("set server bk/s1 weight 7")).isEqualTo("\n");
    assertThat(balancer.admin().weight("bk", "s1")).isEqualTo(7);
    assertThat(admin("set weight bk/s1 300"))
        .isEqualTo("Absolute weight can only be between 0 and 256 inclusive.\n\n");
    assertThat(admin("set weight bk/s1 -5%")).isEqualTo("Relative weight must be positive.\n\n");
    assertThat(admin("set weight bk/s1")).isEqualTo("Require <weight> or <weight%>.\n\n");
    assertThat(admin("set weight bk/sx 1")).isEqualTo("No such server.\n\n");
    assertThat(admin("set weight bx/s1 1")).isEqualTo("No such backend.\n\n");
    assertThat(admin("set weight bk")).isEqualTo("Require 'backend/server'.\n\n");
    assertThat(admin("get weight bk")).isEqualTo("Require 'backend/server'.\n\n");
    assertThat(admin("disable server bk/sx")).isEqualTo("No such server.\n\n");
    assertThat(admin("enable server")).isEqualTo("Require 'backend/server'.\n\n");
    assertThat(balancer.admin().weight("bk", "s1")).isEqualTo(7);
  }

  @Test
  void shutdownSessionsClosesTheServersConnections() throws Exception {
    try (Socket client = TestClient.connect(front, TestClient.loopback(4))) {
      String server = TestClient.readLine(client);
      assertThat(admin("shutdown sessions server bk/" + server)).isEqualTo("\n");
      client.setSoTimeout(5000);
      assertThat(client.getInputStream().read()).as("closed by the balancer").isEqualTo(-1);
    }
    assertThat(admin("shutdown sessions server bk/zz")).isEqualTo("No such server.\n\n");
    assertThat(admin("shutdown sessions server")).isEqualTo("Require 'backend/server'.\n\n");
  }

  /** HAProxy's id of the fixture's server {@code name}: s2 has its own, s1 the first free one. */
  private static int serverId(String name) {
    return name.equals("s2") ? 12 : 1;
  }

  @Test
  void showTableAndClearTableWorkOnTheBackendsStickTable() throws Exception {
    String first = TestClient.whoAnswers(front, TestClient.loopback(2));
    String second = TestClient.whoAnswers(front, TestClient.loopback(3));
    assertThat(admin("show table")).isEqualTo("# table: bk, type: ip, size:1000, used:2\n\n");
    String table = admin("show table bk");
    assertThat(table).startsWith("# table: bk, type: ip, size:1000, used:2\n").endsWith("\n\n");
    String entry = "0x[0-9a-f]{12}: key=%s use=0 exp=\\d+ server_id=%d server_key=%s";
    assertThat(table.lines().skip(1).filter(l -> !l.isEmpty()).sorted().toList())
        .hasSize(2)
        .anyMatch(l -> l.matches(String.format(entry, "127.0.0.2", serverId(first), first)))
        .anyMatch(l -> l.matches(String.format(entry, "127.0.0.3", serverId(second), second)));
    long exp = Long.parseLong(table.replaceAll("(?s).*exp=(\\d+).*", "$1"));
    assertThat(exp).isBetween(ofMinutes(29).toMillis(), ofMinutes(30).toMillis());

    assertThat(admin("show table bk key 127.0.0.2").lines().toList())
        .hasSize(3).element(1).asString().contains("key=127.0.0.2 ");
    assertThat(admin("show table bk key 127.0.0.9")).isEqualTo("\n");
    assertThat(admin("clear table bk key 127.0.0.2")).isEqualTo("\n");
    assertThat(admin("show table")).isEqualTo("# table: bk, type: ip, size:1000, used:1\n\n");
    assertThat(admin("clear table bk")).isEqualTo("\n");
    assertThat(admin("show table")).isEqualTo("# table: bk, type: ip, size:1000, used:0\n\n");

    assertThat(admin("show table nope")).isEqualTo("No such table\n\n");
    assertThat(admin("clear table bk key")).isEqualTo("Key value expected\n\n");
    assertThat(admin("clear table bk key foo")).isEqualTo("Invalid key\n\n");
    assertThat(admin("clear table")).isEqualTo(
        "Required arguments: <table> \"data.<store_data_type>\" <operator> <value> or <table> key <key>\n\n");
  }

  @Test
  void lowerLevelsCannotChangeState() throws Exception {
    TestClient.whoAnswers(front, TestClient.loopback(2));
    for (String command : List.of("disable server bk/s1", "enable server bk/s1",
        "set server bk/s1 state maint", "set weight bk/s1 3", "set server bk/s1 weight 3",
        "shutdown sessions server bk/s1")) {
      assertThat(Socat.run(user, command + "\n")).as(command).isEqualTo("Permission denied\n\n");
      assertThat(Socat.run(operator, command + "\n")).as(command).isEqualTo("Permission denied\n\n");
    }
    assertThat(balancer.stats().backend("bk").server("s1").status()).isEqualTo(ServerStatus.UP);
    assertThat(balancer.admin().weight("bk", "s1")).isEqualTo(10);

    assertThat(Socat.run(user, "show cli level\n")).isEqualTo("user\n\n");
    assertThat(Socat.run(operator, "show cli level\n")).isEqualTo("operator\n\n");
    assertThat(Socat.run(user, "get weight bk/s1\n")).isEqualTo("10 (initial 10)\n\n");
    assertThat(Socat.run(user, "show table bk\n")).isEqualTo(
        "# table: bk, type: ip, size:1000, used:1\n"
            + "# contents not dumped due to insufficient privileges\n\n");
    assertThat(Socat.run(user, "clear table bk\n")).isEqualTo("\n");
    assertThat(Socat.run(user, "show table bk key 127.0.0.2\n")).isEqualTo("\n");
    assertThat(balancer.admin().stickTable("bk").used()).isEqualTo(1);
    assertThat(rows(Socat.run(user, "show stat\n")).get("bk/s1"))
        .as("addresses only from operator up").containsEntry("addr", "");
    assertThat(Socat.run(operator, "clear table bk\n")).isEqualTo("\n");
    assertThat(balancer.admin().stickTable("bk").used()).isZero();

    assertThat(admin("operator;show cli level;set weight bk/s1 3;user;show cli level;operator"))
        .isEqualTo("\noperator\n\nPermission denied\n\n\nuser\n\nPermission denied\n\n");
  }

  @Test
  void promptMakesTheConnectionInteractiveUntilQuit() throws Exception {
    try (Socat socat = Socat.open(Socat.unixAddress(admin))) {
      socat.send("prompt\n");
      assertThat(socat.readUntil("> ")).isEqualTo("\n> ");
      socat.send("show cli level\n");
      assertThat(socat.readUntil("> ")).isEqualTo("admin\n\n> ");
      socat.send("get weight bk/s1;get weight bk/s2\n");
      assertThat(socat.readUntil("1 (initial 1)\n\n> ")).isEqualTo("10 (initial 10)\n\n> 1 (initial 1)\n\n> ");
      socat.send("show info\n");
      assertThat(socat.readUntil("\n\n> ")).startsWith("Name: Steelyard\n");
      socat.send("\n");
      assertThat(socat.readUntil("> ")).isEqualTo("\n> ");
      socat.send("quit\n");
      assertThat(socat.readAll()).isEmpty();
      assertThat(socat.endsWithin(1000)).isTrue();
    }
  }

  @Test
  void setTimeoutCliClosesAnIdleConnection() throws Exception {
    assertThat(admin("set timeout cli 0")).isEqualTo("Invalid timeout value.\n\n");
    assertThat(admin("set timeout cli 100ms")).isEqualTo("Invalid timeout value.\n\n");
    assertThat(admin("set timeout cli")).isEqualTo("Expects an integer value.\n\n");
    assertThat(admin("set timeout foo 5")).isEqualTo("'set timeout' only supports 'cli'.\n\n");
    try (Socat socat = Socat.open(Socat.unixAddress(user))) {
      socat.send("prompt\n");
      socat.readUntil("> ");
      socat.send("set timeout cli 1\n");
      assertThat(socat.readUntil("> ")).isEqualTo("\n> ");
      long idle = System.nanoTime();
      assertThat(socat.endsWithin(5000)).as("closed after 1 s idle").isTrue();
      assertThat(System.nanoTime() - idle).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(800));
    }
  }

  @Test
  void helpListsTheCommandsAndUnknownOnesGetSuggestions() throws Exception {
    String help = admin("help");
    assertThat(help).startsWith("The following commands are valid at this level:\n")
        .contains("  show stat [no-maint|up]*                : report counters for each proxy and server\n")
        .endsWith("  quit                                    : disconnect\n\n");
    assertThat(admin("help show").lines().filter(l -> l.startsWith("  show"))).hasSize(5);
    assertThat(admin("show foo")).startsWith(
        "Unknown command, but maybe one of the following ones is a better match:\n  show cli level");
    assertThat(admin("frobnicate")).startsWith(
        "Unknown command. Please enter one of the following commands only:\n  clear table");
  }

  @Test
  void showInfoTellsAboutTheProcessInHaproxysKeys() throws Exception {
    TestClient.whoAnswers(front, TestClient.loopback(2));
    Map<String, String> info = new HashMap<>();
    admin("show info").lines().filter(l -> !l.isEmpty())
        .forEach(l -> info.put(l.substring(0, l.indexOf(": ")), l.substring(l.indexOf(": ") + 2)));
    assertThat(info).containsEntry("Name", "Steelyard")
        .containsEntry("Pid", String.valueOf(ProcessHandle.current().pid()))
        .containsEntry("Nbthread", String.valueOf(balancer.config().ioThreads()))
        .containsEntry("CumConns", "1").containsEntry("Listeners", "1")
        .containsKeys("Version", "Release_date", "Uptime", "Uptime_sec", "Maxconn", "CurrConns",
            "Maxpipes", "PipesUsed", "Tasks", "Run_queue", "node", "Process_num", "Nbproc");
    assertThat(info.get("Uptime")).matches("\\d+d \\d+h\\d\\dm\\d\\ds");
  }

  @Test
  void theSocketFileHasItsModeReplacesAStaleOneAndGoesAtClose() throws Exception {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(admin)))
        .isEqualTo("rw-rw----");
    Path stale = dir.resolve("stale.sock");
    try (ServerSocketChannel old = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      old.bind(UnixDomainSocketAddress.of(stale)); // closing leaves the file: a stale socket
    }
    assertThat(stale).exists();
    Balancer other = otherBalancer(StatsSocket.unix(stale).level(Level.ADMIN));
    try {
      assertThat(Socat.run(stale, "show cli level\n")).isEqualTo("admin\n\n");
    } finally {
      other.close();
    }
    assertThat(stale).doesNotExist();

    Path file = Files.writeString(dir.resolve("file.sock"), "not a socket");
    assertThatThrownBy(() -> otherBalancer(StatsSocket.unix(file)))
        .isInstanceOf(StartException.class)
        .hasMessageContaining("exists and is not a socket");
    assertThat(file).hasContent("not a socket");
    Path missing = dir.resolve("missing/admin.sock");
    assertThatThrownBy(() -> otherBalancer(StatsSocket.unix(missing)))
        .isInstanceOf(StartException.class)
        .hasMessageContaining("directory " + dir.resolve("missing") + " does not exist");
    assertThat(Files.list(dir).map(p -> p.getFileName().toString()))
        .as("no temporary socket left").noneMatch(n -> n.endsWith(".tmp"));
  }

  @Test
  void clientsOverMaxconnWaitForAFreeSlot() throws Exception {
    Path one = dir.resolve("one.sock");
    Balancer other = otherBalancer(StatsSocket.unix(one).level(Level.ADMIN).maxConn(1));
    try (Socat first = Socat.open(Socat.unixAddress(one))) {
      first.send("prompt\n");
      assertThat(first.readUntil("> ")).isEqualTo("\n> ");
      // The second starts only now: two socat processes started together connect in either order.
      try (Socat second = Socat.open(Socat.unixAddress(one))) {
        second.send("show cli level\n");
        Thread.sleep(500);
        assertThat(second.endsWithin(0)).as("the second waits while the first is served").isFalse();
        first.send("quit\n");
        assertThat(second.readUntil("admin\n\n")).isEqualTo("admin\n\n");
      }
    } finally {
      other.close();
    }
  }

  @Test
  void aTcpSocketOnLoopbackAnswersToo() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Balancer other = otherBalancer(StatsSocket.tcp("127.0.0.1:" + port).level(Level.USER));
    try {
      assertThat(Socat.run("TCP:127.0.0.1:" + port, "show cli level\n")).isEqualTo("user\n\n");
    } finally {
      other.close();
    }
    assertThatThrownBy(() -> StatsSocket.tcp("0.0.0.0:9999"))
        .hasMessageContaining("loopback");
    assertThatThrownBy(() -> StatsSocket.tcp("localhost:9999"))
        .hasMessage("stats socket address must be a loopback address and port such as 127.0.0.1:9999:"
            + " 'localhost:9999'");
    assertThatThrownBy(() -> StatsSocket.tcp("127.0.0.1:9999").mode(0600))
        .hasMessageContaining("Unix-domain");
  }

  private Balancer otherBalancer(StatsSocket socket) {
    return Balancer.builder()
        .drainTimeout(ofSeconds(1))
        .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
        .backend("bk", b -> b.server("s1", s1.hostPort()))
        .attach(socket)
        .start();
  }

  /** The lines of a {@code show stat} answer as field maps, by {@code pxname/svname}. */
  static Map<String, Map<String, String>> rows(String csv) {
    List<String> lines = csv.lines().filter(l -> !l.isEmpty()).toList();
    List<String> names = Arrays.asList(lines.get(0).substring(2).split(",", -1));
    Map<String, Map<String, String>> rows = new HashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] values = line.split(",", -1);
      assertThat(values).as("one value per field: " + line).hasSameSizeAs(names);
      Map<String, String> row = new HashMap<>();
      for (int i = 0; i < names.size(); i++) {
        row.put(names.get(i), values[i]);
      }
      rows.put(row.get("pxname") + "/" + row.get("svname"), row);
    }
    return rows;
  }

  private static List<String> keys(String csv) {
    return csv.lines().filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .map(l -> l.split(",")[0] + "/" + l.split(",")[1]).toList();
  }
}
