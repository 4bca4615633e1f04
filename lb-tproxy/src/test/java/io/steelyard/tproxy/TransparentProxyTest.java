package io.steelyard.tproxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.steelyard.lb.testing.NetworkNamespace;
import io.steelyard.lb.testing.Privileged;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The seed's transparent topology in network namespaces that the test creates and deletes: a
 * client on 203.0.113.0/24, the balancer on both subnets, two backends on 198.51.100.0/24 whose
 * default gateway is the balancer. No namespace has a route out; the balancer does not forward,
 * so the backends' replies to the client's address reach it only through the TPROXY rules.
 */
@Privileged(tools = {"ip", "iptables"})
class TransparentProxyTest {
  private static final String[] CLIENTS = {"203.0.113.10", "203.0.113.11", "203.0.113.12", "203.0.113.13"};

  private final List<NetworkNamespace> namespaces = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private NetworkNamespace client;
  private NetworkNamespace balancer;

  @BeforeEach
  void topology() throws Exception {
    client = namespace("cl");
    balancer = namespace("lb");
    NetworkNamespace be1 = namespace("be1");
    NetworkNamespace be2 = namespace("be2");
    client.link("cl0", CLIENTS[0] + "/24", balancer, "lb0", "203.0.113.1/24");
    for (int i = 1; i < CLIENTS.length; i++) {
      client.exec("ip", "addr", "add", CLIENTS[i] + "/24", "dev", "cl0");
    }
    balancer.exec("ip", "link", "add", "br0", "type", "bridge");
    balancer.exec("ip", "addr", "add", "198.51.100.1/24", "dev", "br0");
    balancer.exec("ip", "link", "set", "br0", "up");
    backendHost(be1, "vb1", "198.51.100.11");
    backendHost(be2, "vb2", "198.51.100.12");
    start(be1, "listening", PeerReportingServer.class, "be1", "8080");
    start(be2, "listening", PeerReportingServer.class, "be2", "8080");
  }

  private NetworkNamespace namespace(String prefix) throws Exception {
    NetworkNamespace ns = NetworkNamespace.create(prefix);
    namespaces.add(ns);
    return ns;
  }

  /** A backend host on the bridge, whose default gateway is the balancer. */
  private void backendHost(NetworkNamespace host, String port, String address) throws Exception {
    host.exec("ip", "link", "add", "eth0", "type", "veth", "peer", "name", port, "netns", balancer.name());
    host.exec("ip", "addr", "add", address + "/24", "dev", "eth0");
    host.exec("ip", "link", "set", "eth0", "up");
    host.exec("ip", "route", "add", "default", "via", "198.51.100.1");
    balancer.exec("ip", "link", "set", port, "master", "br0", "up");
  }

  @AfterEach
  void tearDown() throws Exception {
    for (Process process : processes) {
      process.getOutputStream().close();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    for (NetworkNamespace ns : namespaces) {
      ns.close();
    }
  }

  /** Starts a test main in {@code ns} and waits for its first line; returns that line. */
  private String start(NetworkNamespace ns, String expected, Class<?> main, String... args)
      throws Exception {
    List<String> command = new ArrayList<>(ns.prefixed(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    processes.add(process);
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line = CompletableFuture.supplyAsync(() -> {
      try {
        return out.readLine();
      } catch (IOException e) {
        return "failed: " + e;
      }
    }).get(30, TimeUnit.SECONDS);
    assertThat(line).as("%s in %s", main.getSimpleName(), ns.name()).startsWith(expected);
    return line;
  }

  /** Runs the client in its namespace and returns its lines. */
  private List<String> clients(int rounds) throws Exception {
    List<String> args = new ArrayList<>(List.of("203.0.113.1", "80", Integer.toString(rounds)));
    args.addAll(List.of(CLIENTS));
    Process process = new ProcessBuilder(client.prefixed(concat(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), PeerClient.class.getName(), args)))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return output.lines().toList();
  }

  private static String[] concat(String java, String cp, String classpath, String main, List<String> args) {
    List<String> all = new ArrayList<>(List.of(java, cp, classpath, main));
    all.addAll(args);
    return all.toArray(new String[0]);
  }

  @Test
  void backendsSeeTheRealClientAndClientsStayOnTheirServer() throws Exception {
    start(balancer, "ready", TransparentBalancerMain.class,
        "apply", "198.51.100.11:8080", "198.51.100.12:8080");

    List<String> lines = clients(3);

    assertThat(lines).hasSize(3 * CLIENTS.length);
    Map<String, String> serverOf = new HashMap<>();
    Set<String> servers = new HashSet<>();
    for (String line : lines) {
      String[] words = line.split(" ");
      assertThat(words).as(line).hasSize(3);
      String source = words[0];
      assertThat(words[2]).as("the backend sees the client's own address: %s", line).isEqualTo(source);
      String before = serverOf.putIfAbsent(source, words[1]);
      assertThat(words[1]).as("client %s stays on its server", source).isEqualTo(before == null ? words[1] : before);
      servers.add(words[1]);
    }
    assertThat(servers).as("leastconn spreads the clients").containsExactlyInAnyOrder("be1", "be2");
  }

  @Test
  void withoutTheRoutingRulesStartFailsSayingWhy() throws Exception {
    String line = start(balancer, "failed", TransparentBalancerMain.class, "none", "198.51.100.11:8080");

    assertThat(line)
        .contains("the TPROXY routing rules are not in place")
        .contains("iptables -t mangle -A PREROUTING -p tcp -m socket -j DIVERT");
    assertThat(balancer.exec("iptables-save", "-t", "mangle")).doesNotContain("DIVERT");
  }

  @Test
  void theRulesAreGoneAfterTheBalancerStops() throws Exception {
    start(balancer, "ready", TransparentBalancerMain.class, "apply", "198.51.100.11:8080");
    assertThat(balancer.exec("iptables-save", "-t", "mangle")).contains("DIVERT");

    Process lb = processes.get(processes.size() - 1);
    lb.getOutputStream().close();
    assertThat(lb.waitFor(10, TimeUnit.SECONDS)).isTrue();

    assertThat(balancer.exec("iptables-save", "-t", "mangle")).doesNotContain("DIVERT");
    assertThat(balancer.exec("ip", "rule", "list")).doesNotContain("lookup 100");
  }
}
