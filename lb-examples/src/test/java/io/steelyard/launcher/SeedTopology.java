package io.steelyard.launcher;

import static org.awaitility.Awaitility.await;

import io.steelyard.lb.testing.NetworkNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * The seed's architecture in network namespaces that it creates and deletes, on documentation
 * addresses, with no route out:
 *
 * <pre>
 *   client 203.0.113.10-44 ── router 203.0.113.1 | 198.51.100.1 ── bridge ──┬── lb1 198.51.100.11 (enp0s3)
 *                                                                          ├── lb2 198.51.100.12 (enp0s3)
 *                                                                          ├── be1 198.51.100.21, gateway the VIP
 *                                                                          └── be2 198.51.100.22, gateway the VIP
 * </pre>
 *
 * <p>The balancer hosts run the launcher jar on the shipped example files (their interface is
 * named {@code enp0s3}, as the files say), with {@code --tproxy-rules}; the virtual address
 * 198.51.100.100 is whichever is master. Each backend runs {@code socat} on ports 80 and 443,
 * answering every connection with its name and the address it sees the client at. Only the router
 * forwards, between the client's subnet and the balancers'; the balancers do not, so the backends'
 * replies reach the clients only through the TPROXY rules of the master.
 *
 * <p>{@link #close()} stops every process it started and deletes the namespaces, whatever failed
 * before.
 */
final class SeedTopology implements AutoCloseable {
  static final String VIP = "198.51.100.100";
  static final List<String> CLIENTS =
      List.of("203.0.113.10", "203.0.113.11", "203.0.113.12", "203.0.113.13");
  /** Client addresses that nothing has seen before: one per attempt to reach a returning server. */
  static final List<String> NEWCOMERS =
      IntStream.range(20, 45).mapToObj(i -> "203.0.113." + i).toList();
  static final Map<String, String> BALANCERS = Map.of("lb1", "198.51.100.11", "lb2", "198.51.100.12");
  static final Map<String, String> BACKENDS = Map.of("be1", "198.51.100.21", "be2", "198.51.100.22");
  static final int[] PORTS = {80, 443};

  private final Path dir;
  private final Path jar;
  private final Teardown teardown = new Teardown();
  private final Map<String, NetworkNamespace> hosts = new LinkedHashMap<>();
  private final Map<String, Process> launchers = new LinkedHashMap<>();
  private final Map<String, List<Process>> backendServers = new LinkedHashMap<>();

  private SeedTopology(Path dir, Path jar) {
    this.dir = dir;
    this.jar = jar;
  }

  /** Builds the namespaces and starts both backends; the balancers start with {@link #launch}. */
  static SeedTopology create(Path dir, Path jar) throws IOException, InterruptedException {
    SeedTopology topology = new SeedTopology(dir, jar);
    try {
      topology.build();
      return topology;
    } catch (IOException | InterruptedException | RuntimeException e) {
      topology.close();
      throw e;
    }
  }

  private void build() throws IOException, InterruptedException {
    NetworkNamespace router = add("router", "rt");
    router.exec("ip", "link", "add", "br0", "type", "bridge");
    router.exec("ip", "addr", "add", "198.51.100.1/24", "dev", "br0");
    router.exec("ip", "link", "set", "br0", "up");
    router.sysctl("net.ipv4.ip_forward", "1");

    NetworkNamespace client = add("client", "cl");
    client.link("eth0", CLIENTS.get(0) + "/24", router, "cl0", "203.0.113.1/24");
    for (String address : CLIENTS.subList(1, CLIENTS.size())) {
      client.addAddress("eth0", address + "/24");
    }
    for (String address : NEWCOMERS) {
      client.addAddress("eth0", address + "/24");
    }
    client.exec("ip", "route", "add", "default", "via", "203.0.113.1");

    for (String name : List.of("lb1", "lb2")) {
      NetworkNamespace host = add(name, name);
      router.plug("br0", "p-" + name, host, "enp0s3", BALANCERS.get(name) + "/24");
      host.exec("ip", "route", "add", "203.0.113.0/24", "via", "198.51.100.1");
    }
    for (String name : List.of("be1", "be2")) {
      NetworkNamespace host = add(name, name);
      router.plug("br0", "p-" + name, host, "eth0", BACKENDS.get(name) + "/24");
      host.exec("ip", "route", "add", "default", "via", VIP);
      startBackend(name);
    }
  }

  private NetworkNamespace add(String host, String prefix) throws IOException, InterruptedException {
    NetworkNamespace namespace = teardown.namespace(prefix);
    hosts.put(host, namespace);
    return namespace;
  }

  /** Starts (again) {@code backend}'s two servers, which answer "NAME CLIENT-ADDRESS". */
  void startBackend(String backend) throws IOException {
    List<Process> servers = new ArrayList<>();
    for (int port : PORTS) {
      servers.add(start(hosts.get(backend).prefixed(
          "socat", "TCP-LISTEN:" + port + ",fork,reuseaddr",
          "SYSTEM:echo " + backend + " $SOCAT_PEERADDR"), backend + "-" + port));
    }
    backendServers.put(backend, servers);
  }

  /** Stops {@code backend}'s servers: connections to it are refused from now on. */
  void stopBackend(String backend) throws InterruptedException {
    for (Process server : backendServers.remove(backend)) {
      server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Starts the launcher on {@code lbHost} with the example haproxy.cfg and {@code keepalived}
   * (a file under lb-examples/config), with the routing rules applied by the launcher, and waits
   * until it listens on both ports. The stats socket goes to this test's directory, one per host.
   * The host's peer name is its name ({@code -L lb1}).
   */
  void launch(String lbHost, String keepalived) throws Exception {
    launch(lbHost, keepalived, true);
  }

  /**
   * As {@link #launch(String, String)}; without {@code peers}, the example file less its {@code
   * peers} section and the tables' {@code peers} option: the stick tables are not replicated.
   */
  void launch(String lbHost, String keepalived, boolean peers) throws Exception {
    String config = Files.readString(Path.of("config/haproxy.cfg"));
    if (!peers) {
      config = config.replaceAll("(?m)^peers .*\n(    peer .*\n)+", "").replace(" peers lb_peers", "");
    }
    start(lbHost, config, Path.of("config", keepalived), "--tproxy-rules");
  }

  /**
   * Starts the launcher on {@code lbHost} with the active/active example files
   * (config/active-active: haproxy.cfg and keepalived-HOST.conf), and waits until it listens on
   * both ports.
   */
  void launchActiveActive(String lbHost) throws Exception {
    Path files = Path.of("config", "active-active");
    start(lbHost, Files.readString(files.resolve("haproxy.cfg")),
        files.resolve("keepalived-" + lbHost + ".conf"));
  }

  private void start(String lbHost, String haproxyConfig, Path keepalived, String... options)
      throws Exception {
    Path haproxy = dir.resolve(lbHost + "-haproxy.cfg");
    Files.writeString(haproxy,
        haproxyConfig.replace("/run/steelyard/admin.sock", dir.resolve(lbHost + ".sock").toString()));
    Path log = dir.resolve(lbHost + "-" + System.nanoTime() + ".log");
    List<String> command = new ArrayList<>(hosts.get(lbHost).prefixed(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
        "-L", lbHost, "-f", haproxy.toString(), "-f", keepalived.toString()));
    command.addAll(List.of(options));
    Process launcher = teardown.start(new ProcessBuilder(command), log);
    launchers.put(lbHost, launcher);
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      if (!launcher.isAlive()) {
        throw new IllegalStateException(lbHost + " exited: " + Files.readString(log));
      }
      return listens(lbHost, 80) && listens(lbHost, 443);
    });
  }

  /** The stats socket of the launcher on {@code lbHost}. */
  Path statsSocket(String lbHost) {
    return dir.resolve(lbHost + ".sock");
  }

  /** The launcher's process on {@code lbHost}. */
  Process launcher(String lbHost) {
    return launchers.get(lbHost);
  }

  private boolean listens(String host, int port) throws IOException, InterruptedException {
    return !hosts.get(host).exec("ss", "-Hltn", "sport = :" + port).isBlank();
  }

  /** Whether {@code lbHost} has the virtual address on its interface now. */
  boolean holdsVip(String lbHost) throws IOException, InterruptedException {
    return holdsVip(lbHost, VIP);
  }

  /** Whether {@code lbHost} has {@code vip} on its interface now. */
  boolean holdsVip(String lbHost, String vip) throws IOException, InterruptedException {
    return hosts.get(lbHost).exec("ip", "-4", "-o", "addr", "show", "dev", "enp0s3")
        .contains(" " + vip + "/");
  }

  /**
   * One connection from {@code client} (one of {@link #CLIENTS}) to the virtual address on
   * {@code port}: the backend's answer, "NAME CLIENT-ADDRESS", or {@code null} when the connection
   * failed or nothing came within 3 s.
   */
  String ask(String client, int port) throws IOException, InterruptedException {
    return ask(client, VIP, port);
  }

  /** As {@link #ask(String, int)}, to {@code vip}. */
  String ask(String client, String vip, int port) throws IOException, InterruptedException {
    Process socat = new ProcessBuilder(hosts.get("client").prefixed(
            "socat", "-T3", "-u", "TCP:" + vip + ":" + port + ",bind=" + client + ",connect-timeout=3", "-"))
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    String answer = new String(socat.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!socat.waitFor(10, TimeUnit.SECONDS)) {
      socat.destroyForcibly();
      return null;
    }
    return answer.isEmpty() ? null : answer;
  }

  private Process start(List<String> command, String name) throws IOException {
    return teardown.start(new ProcessBuilder(command), dir.resolve(name + ".log"));
  }

  @Override
  public void close() throws IOException, InterruptedException {
    teardown.close();
  }
}
