package io.steelyard.tproxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.steelyard.lb.testing.NetworkNamespace;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The seed's transparent topology in network namespaces that it creates and deletes: a client
 * host with four addresses, the balancer on both subnets (a veth to the client, a bridge to the
 * backends), and two backends whose default gateway is the balancer, each running a {@link
 * PeerReportingServer} on port 8080. No namespace has a route out. Forwarding is off in the
 * balancer's namespace ({@code net.ipv4.ip_forward}, and {@code net.ipv6.conf.all.forwarding} for
 * IPv6: set and read back), so the backends' replies to a client's address reach it only through
 * the TPROXY rules. IPv6 addresses, link-local ones included, skip duplicate address detection.
 *
 * <p>Test mains run as child JVMs inside the namespaces ({@code ip netns exec}), optionally
 * through a wrapper such as {@code setpriv}; {@link #close()} stops them (closing their standard
 * input, then killing what is left) and deletes the namespaces, whatever failed before.
 */
final class TransparentTopology implements AutoCloseable {
  static final int BACKEND_PORT = 8080;

  /** The documentation addresses of one IP family. */
  enum Family {
    IPV4("-4", 24, "203.0.113.1", "198.51.100.1",
        List.of("203.0.113.10", "203.0.113.11", "203.0.113.12", "203.0.113.13"),
        List.of("198.51.100.11", "198.51.100.12")),
    IPV6("-6", 64, "2001:db8:1::1", "2001:db8:2::1",
        List.of("2001:db8:1::10", "2001:db8:1::11", "2001:db8:1::12", "2001:db8:1::13"),
        List.of("2001:db8:2::11", "2001:db8:2::12"));

    final String ipFlag;
    final int prefixLength;
    /** The balancer's address on the client side, where clients connect. */
    final String frontend;
    /** The balancer's address on the backend side, the backends' gateway. */
    final String gateway;
    final List<String> clients;
    final List<String> backends;

    Family(String ipFlag, int prefixLength, String frontend, String gateway, List<String> clients,
        List<String> backends) {
      this.ipFlag = ipFlag;
      this.prefixLength = prefixLength;
      this.frontend = frontend;
      this.gateway = gateway;
      this.clients = clients;
      this.backends = backends;
    }

    String cidr(String address) {
      return address + "/" + prefixLength;
    }

    /** {@code host:port}, with brackets around an IPv6 host. */
    String hostPort(String address, int port) {
      return (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
    }
  }

  private final Family family;
  private final List<NetworkNamespace> namespaces = new ArrayList<>();
  private final List<Process> processes = Collections.synchronizedList(new ArrayList<>());
  private final Map<Process, StringBuffer> errors = Collections.synchronizedMap(new HashMap<>());
  private NetworkNamespace client;
  private NetworkNamespace balancer;

  private TransparentTopology(Family family) {
    this.family = family;
  }

  /** Builds the topology and starts the backends; deletes what it made if a step fails. */
  static TransparentTopology create(Family family) throws Exception {
    TransparentTopology topology = new TransparentTopology(family);
    try {
      topology.build();
      return topology;
    } catch (Exception | Error e) {
      try {
        topology.close();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private void build() throws Exception {
    client = namespace("cl");
    balancer = namespace("lb");
    NetworkNamespace be1 = namespace("be1");
    NetworkNamespace be2 = namespace("be2");
    // The balancer must not route between its subnets: only TPROXY may bring replies back.
    balancer.sysctl("net.ipv4.ip_forward", "0");
    if (family == Family.IPV6) {
      balancer.sysctl("net.ipv6.conf.all.forwarding", "0");
    }
    client.link("cl0", family.cidr(family.clients.get(0)), balancer, "lb0",
        family.cidr(family.frontend));
    for (String address : family.clients.subList(1, family.clients.size())) {
      client.addAddress("cl0", family.cidr(address));
    }
    balancer.exec("ip", "link", "add", "br0", "type", "bridge", "mcast_snooping", "0");
    balancer.addAddress("br0", family.cidr(family.gateway));
    balancer.exec("ip", "link", "set", "br0", "up");
    backendHost(be1, "vb1", family.backends.get(0));
    backendHost(be2, "vb2", family.backends.get(1));
    start(be1, "listening", PeerReportingServer.class, "be1", Integer.toString(BACKEND_PORT));
    start(be2, "listening", PeerReportingServer.class, "be2", Integer.toString(BACKEND_PORT));
  }

  private NetworkNamespace namespace(String prefix) throws Exception {
    NetworkNamespace ns = NetworkNamespace.create(prefix);
    namespaces.add(ns);
    // No duplicate address detection on the interfaces to come, link-local addresses included:
    // while br0's link-local address is tentative, the balancer sends no neighbour solicitation
    // for a packet whose source is a client's (foreign) address, and the first SYN to a backend
    // waits a second for it.
    if (family == Family.IPV6) {
      ns.sysctl("net.ipv6.conf.all.accept_dad", "0");
      ns.sysctl("net.ipv6.conf.default.accept_dad", "0");
    }
    return ns;
  }

  /** A backend host on the bridge, whose default gateway is the balancer. */
  private void backendHost(NetworkNamespace host, String port, String address) throws Exception {
    host.exec("ip", "link", "add", "eth0", "type", "veth", "peer", "name", port,
        "netns", balancer.name());
    balancer.exec("ip", "link", "set", port, "master", "br0", "up");
    host.addAddress("eth0", family.cidr(address));
    host.exec("ip", "link", "set", "eth0", "up");
    host.exec("ip", family.ipFlag, "route", "add", "default", "via", family.gateway);
  }

  Family family() {
    return family;
  }

  NetworkNamespace balancer() {
    return balancer;
  }

  NetworkNamespace client() {
    return client;
  }

  /** The backends as the balancer's servers, {@code host:port}. */
  List<String> servers() {
    return family.backends.stream().map(b -> family.hostPort(b, BACKEND_PORT)).toList();
  }

  /** The JVM that runs the test mains: this one's. */
  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * Starts a test main in {@code ns} as root with this JVM's class path and asserts that its first
   * line starts with {@code expected}; returns that line.
   */
  String start(NetworkNamespace ns, String expected, Class<?> main, String... args) throws Exception {
    String line = launch(ns, List.of(), System.getProperty("java.class.path"), main, args);
    return expectFirstLine(line, expected, main, ns);
  }

  /**
   * Starts a test main in {@code ns} through {@code wrapper} (such as {@code setpriv ...}), with
   * {@code classpath}; returns its first line of output, or a description of why there is none.
   * Its standard error is copied to this process's and kept for {@link #stderr(Process)}.
   */
  String launch(NetworkNamespace ns, List<String> wrapper, String classpath, Class<?> main,
      String... args) throws Exception {
    List<String> command = new ArrayList<>(wrapper);
    command.addAll(List.of(java(), "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "-cp", classpath,
        main.getName()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(ns.prefixed(command.toArray(new String[0]))).start();
    processes.add(process);
    StringBuffer stderr = new StringBuffer();
    errors.put(process, stderr);
    Thread copier = new Thread(() -> copy(process.getErrorStream(), stderr), "stderr-" + main.getSimpleName());
    copier.setDaemon(true);
    copier.start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
      try {
        return out.readLine();
      } catch (IOException e) {
        return "(no output: " + e + ")";
      }
    });
    try {
      String line = first.get(30, TimeUnit.SECONDS);
      if (line == null) {
        process.waitFor(5, TimeUnit.SECONDS);
        return "(exited without output" + (process.isAlive() ? "" : ", status " + process.exitValue())
            + "; stderr: " + stderr + ")";
      }
      return line;
    } catch (TimeoutException e) {
      return "(no output within 30 s; stderr: " + stderr + ")";
    }
  }

  /** What {@code process} has written to its standard error so far. */
  String stderr(Process process) {
    StringBuffer buffer = errors.get(process);
    return buffer == null ? "" : buffer.toString();
  }

  /**
   * Starts {@link TransparentBalancerMain} in the balancer's namespace with {@code args} and both
   * backends as servers; returns its first line, which must start with {@code expected}.
   */
  String startBalancer(String expected, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(servers());
    return start(balancer(), expected, TransparentBalancerMain.class, all.toArray(new String[0]));
  }

  /** The process started last. */
  Process lastProcess() {
    return processes.get(processes.size() - 1);
  }

  private String expectFirstLine(String line, String expected, Class<?> main, NetworkNamespace ns) {
    assertThat(line)
        .as("%s in %s; stderr: %s", main.getSimpleName(), ns.name(), stderr(lastProcess()))
        .startsWith(expected);
    return line;
  }

  private static void copy(InputStream in, StringBuffer kept) {
    byte[] buffer = new byte[8192];
    try {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        System.err.write(buffer, 0, n);
        if (kept.length() < 64_000) {
          kept.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
      }
    } catch (IOException ignored) {
      // the process is gone
    }
  }

  /**
   * Runs the client in its namespace: {@code rounds} connections (at most 100) from each of
   * {@code sources} to the balancer's port 80, one after another, each bounded to 5 s.
   */
  List<Exchange> ask(int rounds, List<String> sources) throws Exception {
    return askAt(family.frontend, rounds, sources);
  }

  /** As {@link #ask(int, List)}, to port 80 of {@code destination}, any address. */
  List<Exchange> askAt(String destination, int rounds, List<String> sources) throws Exception {
    List<String> command = new ArrayList<>(List.of(java(), "-XX:-UsePerfData",
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        PeerClient.class.getName(), destination, "80", Integer.toString(rounds)));
    command.addAll(sources);
    Process process = new ProcessBuilder(client.prefixed(command.toArray(new String[0])))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    processes.add(process);
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the client ends").isTrue();
    List<Exchange> exchanges = output.lines().map(Exchange::parse).toList();
    assertThat(exchanges).as("one line per connection: %s", output).hasSize(rounds * sources.size());
    return exchanges;
  }

  /** Every client address, {@code rounds} times. */
  List<Exchange> ask(int rounds) throws Exception {
    return ask(rounds, family.clients);
  }

  /** Stops the processes, then deletes the namespaces; goes on past failures, then throws. */
  @Override
  public void close() throws Exception {
    Exception failure = null;
    synchronized (processes) {
      for (Process process : processes) {
        try {
          process.getOutputStream().close();
          if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          }
        } catch (Exception e) {
          process.destroyForcibly();
          failure = add(failure, e);
        }
      }
    }
    for (int i = namespaces.size() - 1; i >= 0; i--) {
      try {
        namespaces.get(i).close();
      } catch (Exception e) {
        failure = add(failure, e);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static Exception add(Exception first, Exception next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  /**
   * One connection as the client and the backend saw it, from the client's line {@code SOURCE
   * LOCAL-PORT SERVER SEEN-ADDRESS SEEN-PORT}, or {@code SOURCE FAILED reason}.
   */
  record Exchange(String line, InetAddress source, int port, String server, InetAddress seen,
      int seenPort) {

    static Exchange parse(String line) {
      String[] words = line.split(" ");
      InetAddress source = literal(words[0]);
      if (words.length < 2 || words[1].equals("FAILED")) {
        return new Exchange(line, source, 0, null, null, 0);
      }
      assertThat(words).as("SOURCE PORT SERVER ADDRESS PORT: %s", line).hasSize(5);
      return new Exchange(line, source, Integer.parseInt(words[1]), words[2], literal(words[3]),
          Integer.parseInt(words[4]));
    }

    boolean failed() {
      return server == null;
    }

    private static InetAddress literal(String address) {
      try {
        // A literal, never looked up; parsing makes 2001:db8:1::10 equal 2001:db8:1:0:0:0:0:10.
        return InetAddress.getByName(address);
      } catch (IOException e) {
        throw new AssertionError("not an address: " + address, e);
      }
    }
  }
}
