package io.steelyard.launcher;

import static io.steelyard.launcher.FleetTopology.BALANCERS;
import static io.steelyard.launcher.FleetTopology.VIP4;
import static io.steelyard.launcher.FleetTopology.VIP6;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steelyard.lb.testing.NetworkNamespace;
import io.steelyard.lb.testing.Privileged;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Beyond one pair ({@link FleetTopology}): three launchers on config/fleet behind a router's ECMP,
 * announcing the virtual addresses through BIRD 2 (lb1, lb2) and ExaBGP 4 (lb3). The figures it
 * prints ("fleet:") are those of the README's "Beyond one pair".
 *
 * <ul>
 *   <li>the router spreads connections over the three balancers, about a third each;
 *   <li>{@code balance source} with {@code hash-type consistent}: 1,000 client addresses, three
 *       connections each, get one server whichever balancers the router chose;
 *   <li>leastconn with a stick table replicated by {@code peers}: a client whose later connections
 *       the router gives to other balancers keeps its server;
 *   <li>a balancer whose servers all fail is withdrawn from the router's route by ExaBGP (the
 *       time from its health change to the route change, by {@code ip monitor route}), and a
 *       plain multipath route resets some of the other balancers' established connections;
 *   <li>a resilient nexthop group resets none of them;
 *   <li>SIGTERM withdraws a balancer's route through BIRD before the launcher exits.
 * </ul>
 *
 * <p>The tests share one topology and run in order; each leaves the fleet as it found it but the
 * last.
 */
@Privileged(tools = {"ip", "ss", "bird", "birdc", "exabgp", "mkfifo"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetTest {
  private static final Pattern MONITOR_TIME = Pattern.compile("^\\[([0-9T:.-]+)\\]");
  private static final Pattern LOG_TIME = Pattern.compile("^([0-9]{4}-[0-9-]+T[0-9:.]+) ");

  @TempDir static Path dir;
  private FleetTopology fleet;

  @BeforeAll
  void startTheFleet() throws Exception {
    fleet = FleetTopology.create(dir, Path.of(System.getProperty("steelyard.jar")));
    for (String balancer : BALANCERS) {
      fleet.launch(balancer);
    }
    for (String balancer : BALANCERS) {
      fleet.awaitListening(balancer);
    }
    awaitHops(VIP4, BALANCERS);
    awaitHops(VIP6, BALANCERS);
  }

  @AfterAll
  void stopTheFleet() throws Exception {
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  @Order(1)
  void theRouterSpreadsConnectionsOverTheThreeBalancers() throws Exception {
    List<String> answers = fleet.ask(repeat(ipv4Clients(200), 3), VIP4, 80);

    assertThat(answers).noneMatch(a -> a.startsWith("FAILED"));
    Map<String, Long> shares = new TreeMap<>(answers.stream()
        .collect(Collectors.groupingBy(a -> a.split(" ")[1], Collectors.counting())));
    System.out.println("fleet: connections per balancer of " + answers.size() + ": " + shares);
    assertThat(shares).containsOnlyKeys(BALANCERS);
    assertThat(shares.values()).allSatisfy(n -> assertThat(n).isBetween(120L, 280L));
  }

  @Test
  @Order(2)
  void consistentHashingGivesEachClientOneServerWhicheverBalancerTheRouterChose() throws Exception {
    List<String> clients = IntStream.rangeClosed(1, 1000)
        .mapToObj(i -> "2001:db8:c::" + Integer.toHexString(i)).toList();
    Map<String, Set<String>> servers = new HashMap<>();
    Map<String, Set<String>> balancers = new HashMap<>();
    for (int round = 0; round < 3; round++) {
      List<String> answers = fleet.ask(clients, VIP6, 80);
      for (int i = 0; i < clients.size(); i++) {
        String[] answer = answers.get(i).split(" ");
        assertThat(answers.get(i)).doesNotStartWith("FAILED");
        servers.computeIfAbsent(clients.get(i), c -> new TreeSet<>()).add(answer[0]);
        balancers.computeIfAbsent(clients.get(i), c -> new TreeSet<>()).add(answer[1]);
      }
    }

    long oneServer = servers.values().stream().filter(s -> s.size() == 1).count();
    long severalBalancers = balancers.values().stream().filter(b -> b.size() > 1).count();
    Map<String, Long> perServer = new TreeMap<>(servers.values().stream()
        .collect(Collectors.groupingBy(s -> s.iterator().next(), Collectors.counting())));
    System.out.println("fleet: consistent hashing, 1000 IPv6 clients x 3 connections: " + oneServer
        + " clients on one server; " + severalBalancers + " of them reached through 2 or 3"
        + " balancers; clients per server " + perServer);
    assertThat(oneServer).isEqualTo(1000);
    assertThat(severalBalancers).isGreaterThan(700);
  }

  @Test
  @Order(3)
  void peersKeepAClientOnItsServerWhenTheRouterMovesIt() throws Exception {
    List<String> clients = ipv4Clients(200);
    List<String> first = fleet.ask(clients, VIP4, 81);
    assertThat(first).noneMatch(a -> a.startsWith("FAILED"));
    TimeUnit.SECONDS.sleep(1);

    int moved = 0;
    int kept = 0;
    for (int round = 0; round < 3; round++) {
      List<String> answers = fleet.ask(clients, VIP4, 81);
      for (int i = 0; i < clients.size(); i++) {
        String[] before = first.get(i).split(" ");
        String[] now = answers.get(i).split(" ");
        if (!now[1].equals(before[1])) {
          moved++;
          kept += now[0].equals(before[0]) ? 1 : 0;
        }
      }
    }
    Map<String, Long> perServer = new TreeMap<>(first.stream()
        .collect(Collectors.groupingBy(a -> a.split(" ")[0], Collectors.counting())));
    System.out.println("fleet: leastconn + stick on src + peers, 200 clients x 3 later connections: "
        + moved + " reached another balancer than the first, " + kept + " of them kept their"
        + " server; first connections per server " + perServer);
    assertThat(moved).isGreaterThan(200);
    assertThat(kept).isEqualTo(moved);
    assertThat(perServer).hasSize(3);
  }

  @Test
  @Order(4)
  void aBalancerWithoutServersIsWithdrawnAndAPlainMultipathRouteResetsSomeOthers() throws Exception {
    NetworkNamespace lb3 = fleet.host("lb3");
    Map<Socket, String> held = fleet.hold(ipv4Clients(250), VIP4, 80);
    try (RouteMonitor monitor = new RouteMonitor()) {
      LocalDateTime linkDown = LocalDateTime.now();
      lb3.exec("ip", "link", "set", "down0", "down");
      awaitHops(VIP4, List.of("lb1", "lb2"));

      LocalDateTime withdrawn = monitor.firstChange(VIP4);
      LocalDateTime unhealthy = logTime("lb3", "balancer not healthy: withdrawing ExaBGP route " + VIP4);
      Resets resets = probe(held, "lb3");
      System.out.println("fleet: lb3's servers unreachable; health change -> route withdrawn on the"
          + " router: " + millis(unhealthy, withdrawn) + " ms (link down -> health change "
          + millis(linkDown, unhealthy) + " ms, checks inter 1s fall 2); plain multipath route: "
          + resets + " of the other balancers' established connections reset");
      assertThat(unhealthy).isBefore(withdrawn);
      assertThat(resets.others()).isPositive();
      assertThat(resets.reset()).isPositive();
    } finally {
      closeAll(held);
      lb3.exec("ip", "link", "set", "down0", "up");
    }
    awaitHops(VIP4, BALANCERS);
  }

  @Test
  @Order(5)
  void aResilientNexthopGroupResetsNoneOfTheOtherBalancersConnections() throws Exception {
    NetworkNamespace router = fleet.host("router");
    birdc("router", "disable", "kernel4");
    awaitHops(VIP4, List.of());
    for (int i = 0; i < BALANCERS.size(); i++) {
      router.exec("ip", "nexthop", "add", "id", String.valueOf(11 + i), "via", "192.0.2." + (11 + i),
          "dev", "br0");
    }
    router.exec("ip", "nexthop", "add", "id", "100", "group", "11/12/13", "type", "resilient",
        "buckets", "64");
    router.exec("ip", "route", "add", VIP4 + "/32", "nhid", "100");
    Map<Socket, String> held = Map.of();
    try {
      held = fleet.hold(ipv4Clients(250), VIP4, 80);
      // what a routing daemon with nexthop groups does when lb3's route is withdrawn
      router.exec("ip", "nexthop", "del", "id", "13");
      Resets resets = probe(held, "lb3");
      System.out.println("fleet: resilient nexthop group (64 buckets), lb3 removed: " + resets
          + " of the other balancers' established connections reset");
      assertThat(resets.others()).isPositive();
      assertThat(resets.reset()).isZero();
    } finally {
      closeAll(held);
      router.exec("ip", "route", "del", VIP4 + "/32");
      router.exec("ip", "nexthop", "flush");
      birdc("router", "enable", "kernel4");
    }
    awaitHops(VIP4, BALANCERS);
  }

  @Test
  @Order(6)
  void sigtermWithdrawsTheBalancersRouteBeforeItExits() throws Exception {
    Process lb2 = fleet.launcher("lb2");
    try (RouteMonitor monitor = new RouteMonitor()) {
      LocalDateTime sigterm = LocalDateTime.now();
      lb2.destroy();
      awaitHops(VIP4, List.of("lb1", "lb3"));
      awaitHops(VIP6, List.of("lb1", "lb3"));
      LocalDateTime withdrawn = monitor.firstChange(VIP4);
      assertThat(lb2.waitFor(30, TimeUnit.SECONDS)).isTrue();
      System.out.println("fleet: SIGTERM -> lb2's route withdrawn on the router: "
          + millis(sigterm, withdrawn) + " ms");
      assertThat(birdc("lb2", "show", "protocols", "vip4")).contains("down");
    }
  }

  /** Waits until the router's route to {@code vip} goes through exactly {@code balancers}. */
  private void awaitHops(String vip, List<String> balancers) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() ->
        fleet.nextHops(vip).stream().map(FleetTopology::balancerOfHop).sorted().toList()
            .equals(balancers));
  }

  /** The held connections of balancers other than {@code leaving}, and how many no longer echo. */
  private record Resets(int others, int reset) {
    @Override
    public String toString() {
      return reset + " of " + others + String.format(" (%.1f%%)", 100.0 * reset / others);
    }
  }

  private static Resets probe(Map<Socket, String> held, String leaving) {
    int others = 0;
    int reset = 0;
    for (Map.Entry<Socket, String> connection : held.entrySet()) {
      if (!connection.getValue().endsWith(" " + leaving)) {
        others++;
        reset += FleetTopology.echoes(connection.getKey()) ? 0 : 1;
      }
    }
    return new Resets(others, reset);
  }

  private static void closeAll(Map<Socket, String> held) throws IOException {
    for (Socket socket : held.keySet()) {
      socket.close();
    }
  }

  /** The time of the first line of {@code lbHost}'s log that contains {@code text}. */
  private LocalDateTime logTime(String lbHost, String text) throws IOException {
    for (String line : fleet.log(lbHost).split("\n")) {
      Matcher time = LOG_TIME.matcher(line);
      if (line.contains(text) && time.find()) {
        return LocalDateTime.parse(time.group(1));
      }
    }
    throw new AssertionError(lbHost + " never logged '" + text + "': " + fleet.log(lbHost));
  }

  private String birdc(String host, String... command) throws IOException, InterruptedException {
    List<String> line = new ArrayList<>(List.of("birdc", "-s", fleet.birdSocket(host).toString()));
    line.addAll(List.of(command));
    return NetworkNamespace.run(line);
  }

  private static long millis(LocalDateTime from, LocalDateTime to) {
    return Duration.between(from, to).toMillis();
  }

  private static List<String> ipv4Clients(int count) {
    return IntStream.rangeClosed(1, count).mapToObj(i -> "198.51.100." + i).toList();
  }

  private static List<String> repeat(List<String> sources, int times) {
    return Collections.nCopies(times, sources).stream().flatMap(List::stream).toList();
  }

  /** {@code ip -ts monitor route} on the router, from its start until closed. */
  private final class RouteMonitor implements AutoCloseable {
    private final Process process;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

    RouteMonitor() throws IOException {
      process = new ProcessBuilder(fleet.host("router").prefixed("ip", "-ts", "monitor", "route"))
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      Thread reader = new Thread(() -> {
        try (BufferedReader out = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
          for (String line = out.readLine(); line != null; line = out.readLine()) {
            lines.add(line);
          }
        } catch (IOException closed) {
          // the monitor stopped
        }
      }, "route-monitor");
      reader.setDaemon(true);
      reader.start();
      try {
        TimeUnit.MILLISECONDS.sleep(300); // until it listens to the kernel's route messages
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** The time of the first change of the route to {@code vip} that the monitor saw. */
    LocalDateTime firstChange(String vip) {
      return await().atMost(Duration.ofSeconds(5)).until(() -> {
        synchronized (lines) {
          for (String line : lines) {
            Matcher time = MONITOR_TIME.matcher(line);
            if (line.contains(" " + vip + " ") && time.find()) {
              return LocalDateTime.parse(time.group(1));
            }
          }
          return null;
        }
      }, t -> t != null);
    }

    @Override
    public void close() throws InterruptedException {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
