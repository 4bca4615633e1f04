package io.steelyard.launcher;

import static org.awaitility.Awaitility.await;

import io.steelyard.lb.testing.InNamespace;
import io.steelyard.lb.testing.NetworkNamespace;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Beyond one pair, in network namespaces that it creates and deletes, on documentation addresses
 * with no route out: three active balancers behind a router that spreads connections over them by
 * ECMP, each announcing the virtual addresses by BGP: lb1 and lb2 through their own BIRD 2, lb3
 * through ExaBGP 4.
 *
 * <pre>
 *   client 198.51.100.0/24, 2001:db8:c::/64 (any address: a local route)
 *     │ 192.0.2.64/30, 2001:db8:3::/64
 *   router 192.0.2.1, 2001:db8:1::1: BIRD, one BGP session per balancer and family, merge paths
 *     │ bridge 192.0.2.0/26, 2001:db8:1::/64
 *     ├── lb1 .11  ├── lb2 .12  ├── lb3 .13     each: BIRD (lb3: ExaBGP) + the launcher jar on config/fleet,
 *     │             │            │               VIPs 203.0.113.10, 2001:db8:f::10 on lo
 *     └── lb1 .141 ─┴── lb2 .142 ┴── lb3 .143 ── bridge 192.0.2.128/26 ── be1 .131, be2 .132, be3 .133
 * </pre>
 *
 * <p>The backends run in this JVM ({@link InNamespace}): each answers a connection with {@code NAME
 * BALANCER-ADDRESS}, the balancer being known by the address it connects from, then echoes lines
 * until the client closes. The clients run in this JVM too, from any address of their prefixes.
 *
 * <p>{@link #close()} stops every process it started, closes the backends and deletes the
 * namespaces, whatever failed before.
 */
final class FleetTopology implements AutoCloseable {
  static final String VIP4 = "203.0.113.10";
  static final String VIP6 = "2001:db8:f::10";
  static final List<String> BALANCERS = List.of("lb1", "lb2", "lb3");
  static final List<String> BACKENDS = List.of("be1", "be2", "be3");

  private static final Path CONFIG = Path.of("config", "fleet");
  private static final Pattern VIA = Pattern.compile("\\bvia (?:inet6 )?(\\S+)");

  private final Path dir;
  private final Path jar;
  private final Map<String, NetworkNamespace> hosts = new LinkedHashMap<>();
  private final Map<String, Process> launchers = new LinkedHashMap<>();
  private final Teardown teardown = new Teardown();
  private final List<ServerSocket> listeners = Collections.synchronizedList(new ArrayList<>());
  private final List<Socket> accepted = Collections.synchronizedList(new ArrayList<>());

  private FleetTopology(Path dir, Path jar) {
    this.dir = dir;
    this.jar = jar;
  }

  /** Builds the namespaces, starts every BIRD and the backends; the balancers start with {@link #launch}. */
  static FleetTopology create(Path dir, Path jar) throws Exception {
    FleetTopology topology = new FleetTopology(dir, jar);
    try {
      topology.build();
      return topology;
    } catch (Exception | Error e) {
      topology.close();
      throw e;
    }
  }

  private void build() throws Exception {
    NetworkNamespace router = add("router", "rt");
    router.exec("ip", "link", "add", "br0", "type", "bridge");
    router.addAddress("br0", "192.0.2.1/26");
    router.addAddress("br0", "2001:db8:1::1/64");
    router.exec("ip", "link", "set", "br0", "up");
    router.sysctl("net.ipv4.ip_forward", "1");
    router.sysctl("net.ipv6.conf.all.forwarding", "1");
    router.sysctl("net.ipv4.fib_multipath_hash_policy", "1");
    router.sysctl("net.ipv6.fib_multipath_hash_policy", "1");

    NetworkNamespace client = add("client", "cl");
    client.link("eth0", "192.0.2.66/30", router, "cl0", "192.0.2.65/30");
    client.addAddress("eth0", "2001:db8:3::2/64");
    router.addAddress("cl0", "2001:db8:3::1/64");
    client.exec("ip", "route", "add", "local", "198.51.100.0/24", "dev", "lo");
    client.exec("ip", "-6", "route", "add", "local", "2001:db8:c::/64", "dev", "lo");
    client.sysctl("net.ipv6.ip_nonlocal_bind", "1");
    client.exec("ip", "route", "add", "default", "via", "192.0.2.65");
    client.exec("ip", "-6", "route", "add", "default", "via", "2001:db8:3::1");
    router.exec("ip", "route", "add", "198.51.100.0/24", "via", "192.0.2.66");
    router.exec("ip", "-6", "route", "add", "2001:db8:c::/64", "via", "2001:db8:3::2");

    NetworkNamespace servers = add("servers", "be");
    servers.exec("ip", "link", "add", "br1", "type", "bridge");
    servers.exec("ip", "link", "set", "br1", "up");
    for (int i = 0; i < BACKENDS.size(); i++) {
      servers.addAddress("br1", "192.0.2." + (131 + i) + "/26");
    }

    for (int i = 0; i < BALANCERS.size(); i++) {
      String name = BALANCERS.get(i);
      NetworkNamespace host = add(name, name);
      router.plug("br0", "p-" + name, host, "up0", "192.0.2." + (11 + i) + "/26");
      host.addAddress("up0", "2001:db8:1::" + (11 + i) + "/64");
      servers.plug("br1", "p-" + name, host, "down0", "192.0.2." + (141 + i) + "/26");
      host.addAddress("lo", VIP4 + "/32");
      host.addAddress("lo", VIP6 + "/128");
      host.exec("ip", "route", "add", "default", "via", "192.0.2.1");
      host.exec("ip", "-6", "route", "add", "default", "via", "2001:db8:1::1");
    }

    startBird("router", Files.readString(CONFIG.resolve("router-bird.conf")));
    String bird = Files.readString(CONFIG.resolve("bird.conf"));
    for (int i = 0; i < 2; i++) {
      startBird(BALANCERS.get(i), bird
          .replace("192.0.2.11", "192.0.2." + (11 + i))
          .replace("2001:db8:1::11", "2001:db8:1::" + (11 + i))
          .replace("64511", String.valueOf(64511 + i)));
    }
    startExaBgp("lb3");
    for (int i = 0; i < BACKENDS.size(); i++) {
      startBackend(BACKENDS.get(i), "192.0.2." + (131 + i));
    }
  }

  private NetworkNamespace add(String host, String prefix) throws IOException, InterruptedException {
    NetworkNamespace namespace = teardown.namespace(prefix);
    hosts.put(host, namespace);
    return namespace;
  }

  /** Starts BIRD on {@code host} with {@code config}, its control socket in this test's directory. */
  private void startBird(String host, String config) throws Exception {
    Path file = dir.resolve(host + "-bird.conf");
    Files.writeString(file, config);
    Path socket = birdSocket(host);
    start(hosts.get(host).prefixed("bird", "-f", "-c", file.toString(), "-s", socket.toString()),
        host + "-bird");
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(socket));
  }

  /**
   * Starts ExaBGP on {@code host} with config/fleet/exabgp.conf (lb3's), as root, its command
   * pipes made first in {@link #exabgpPipes}, where it looks for them ({@code --root}).
   */
  private void startExaBgp(String host) throws Exception {
    Path root = dir.resolve(host + "-exabgp");
    Path pipes = Files.createDirectories(exabgpPipes(host));
    NetworkNamespace.run(List.of("mkfifo", "-m", "600", pipes.resolve("exabgp.in").toString(),
        pipes.resolve("exabgp.out").toString()));
    ProcessBuilder exabgp = new ProcessBuilder(hosts.get(host).prefixed(
        "exabgp", "--root", root.toString(), CONFIG.resolve("exabgp.conf").toAbsolutePath().toString()));
    exabgp.environment().put("exabgp.daemon.user", "root");
    teardown.start(exabgp, dir.resolve(host + "-exabgp.log"));
  }

  /** The directory of ExaBGP's command pipes on {@code host}. */
  Path exabgpPipes(String host) {
    return dir.resolve(host + "-exabgp").resolve("run");
  }

  /** BIRD's control socket on {@code host}. */
  Path birdSocket(String host) {
    return dir.resolve(host + "-bird.ctl");
  }

  /** A backend on {@code address}:8080 that answers "NAME BALANCER-ADDRESS", then echoes. */
  private void startBackend(String name, String address) throws Exception {
    ServerSocket listener = InNamespace.call(hosts.get("servers"), () -> {
      ServerSocket socket = new ServerSocket();
      socket.bind(new InetSocketAddress(address, 8080), 1024);
      return socket;
    });
    listeners.add(listener);
    Thread acceptor = new Thread(() -> {
      while (!listener.isClosed()) {
        try {
          Socket connection = listener.accept();
          accepted.add(connection);
          Thread echo = new Thread(() -> answer(name, connection), name + "-echo");
          echo.setDaemon(true);
          echo.start();
        } catch (IOException closed) {
          return;
        }
      }
    }, name + "-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private static void answer(String name, Socket connection) {
    try (connection) {
      OutputStream out = connection.getOutputStream();
      out.write((name + " " + connection.getInetAddress().getHostAddress() + "\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = connection.getInputStream();
      byte[] buffer = new byte[256];
      for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException gone) {
      // the balancer or the client went away: nothing to answer
    }
  }

  /**
   * Starts the launcher on {@code lbHost} with config/fleet/haproxy.cfg, its stats socket and
   * BIRD's control socket in this test's directory (lb3: ExaBGP's pipes instead of BIRD), {@code
   * -L lbHost}; log lines carry the time of day in milliseconds.
   */
  void launch(String lbHost) throws Exception {
    Path haproxy = dir.resolve(lbHost + "-haproxy.cfg");
    String config = Files.readString(CONFIG.resolve("haproxy.cfg"))
        .replace("/run/steelyard/admin.sock", dir.resolve(lbHost + ".sock").toString());
    Files.writeString(haproxy, lbHost.equals("lb3")
        ? config.replaceAll("bird /run/bird/bird.ctl vip[46]", "exabgp " + exabgpPipes(lbHost))
        : config.replace("/run/bird/bird.ctl", birdSocket(lbHost).toString()));
    Process launcher = start(hosts.get(lbHost).prefixed(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dorg.slf4j.simpleLogger.showDateTime=true",
        "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSS",
        "-jar", jar.toString(), "-L", lbHost, "-f", haproxy.toString()), lbHost);
    launchers.put(lbHost, launcher);
  }

  /** Waits until {@code lbHost}'s launcher listens on ports 80 and 81. */
  void awaitListening(String lbHost) {
    Process launcher = launchers.get(lbHost);
    await().atMost(Duration.ofSeconds(40)).until(() -> {
      if (!launcher.isAlive()) {
        throw new IllegalStateException(lbHost + " exited: " + log(lbHost));
      }
      return listens(lbHost, 80) && listens(lbHost, 81);
    });
  }

  private boolean listens(String host, int port) throws IOException, InterruptedException {
    return !hosts.get(host).exec("ss", "-Hltn", "sport = :" + port).isBlank();
  }

  /** What the launcher on {@code lbHost} wrote so far. */
  String log(String lbHost) throws IOException {
    return Files.readString(dir.resolve(lbHost + ".log"));
  }

  /** The launcher's process on {@code lbHost}. */
  Process launcher(String lbHost) {
    return launchers.get(lbHost);
  }

  /** The namespace of {@code host}: "router", "client", "servers", or a balancer's name. */
  NetworkNamespace host(String host) {
    return hosts.get(host);
  }

  /** The router's next hops for {@code vip} now, as the kernel has them. */
  List<String> nextHops(String vip) throws IOException, InterruptedException {
    Matcher via = VIA.matcher(
        hosts.get("router").exec("ip", vip.contains(":") ? "-6" : "-4", "route", "show", vip));
    List<String> hops = new ArrayList<>();
    while (via.find()) {
      hops.add(via.group(1));
    }
    return hops;
  }

  /** The balancer that connected from the backend-side {@code address} (192.0.2.141-143). */
  static String balancerAt(String address) {
    int last = Integer.parseInt(address.substring(address.lastIndexOf('.') + 1));
    return BALANCERS.get(last - 141);
  }

  /** The balancer whose front address (192.0.2.11-13 or 2001:db8:1::11-13) is {@code hop}. */
  static String balancerOfHop(String hop) {
    String last = hop.substring(Math.max(hop.lastIndexOf('.'), hop.lastIndexOf(':')) + 1);
    return BALANCERS.get(Integer.parseInt(last) - 11);
  }

  /**
   * One connection per source in {@code sources} to {@code vip}:{@code port}, 16 at a time from
   * the client's namespace, each bounded by 5 s: per connection, the answer "BACKEND BALANCER", or
   * "FAILED reason".
   */
  List<String> ask(List<String> sources, String vip, int port) throws Exception {
    return InNamespace.call(hosts.get("client"), () -> {
      ExecutorService pool = Executors.newFixedThreadPool(16);
      try {
        List<Future<String>> answers = new ArrayList<>();
        for (String source : sources) {
          answers.add(pool.submit(() -> {
            try (Socket socket = connect(source, vip, port)) {
              return greeting(socket);
            } catch (IOException e) {
              return "FAILED " + e;
            }
          }));
        }
        List<String> lines = new ArrayList<>();
        for (Future<String> answer : answers) {
          lines.add(answer.get(20, TimeUnit.SECONDS));
        }
        return lines;
      } finally {
        pool.shutdownNow();
      }
    });
  }

  /**
   * Opens one connection per source to {@code vip}:{@code port} and keeps it open: the connections
   * that answered, each with its greeting, for {@link #echoes}. The caller closes them.
   */
  Map<Socket, String> hold(List<String> sources, String vip, int port) throws Exception {
    return InNamespace.call(hosts.get("client"), () -> {
      Map<Socket, String> held = new LinkedHashMap<>();
      for (String source : sources) {
        Socket socket = connect(source, vip, port);
        held.put(socket, greeting(socket));
      }
      return held;
    });
  }

  /** Whether a held connection still carries a line there and back within 2 s. */
  static boolean echoes(Socket socket) {
    try {
      socket.setSoTimeout(2_000);
      socket.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
      byte[] answer = new byte[5];
      int n = 0;
      for (int r = 0; n < answer.length && r >= 0; n += Math.max(r, 0)) {
        r = socket.getInputStream().read(answer, n, answer.length - n);
      }
      return n == answer.length;
    } catch (IOException e) {
      return false;
    }
  }

  private static Socket connect(String source, String vip, int port) throws IOException {
    Socket socket = new Socket();
    try {
      socket.setSoTimeout(5_000);
      socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
      socket.connect(new InetSocketAddress(vip, port), 5_000);
      return socket;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /** The backend's first line, as "BACKEND BALANCER". */
  private static String greeting(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
      line.append((char) c);
    }
    String[] words = line.toString().split(" ");
    if (words.length != 2) {
      throw new IOException("no greeting, but '" + line + "'");
    }
    return words[0] + " " + balancerAt(words[1]);
  }

  private Process start(List<String> command, String name) throws IOException {
    return teardown.start(new ProcessBuilder(command), dir.resolve(name + ".log"));
  }

  @Override
  public void close() throws Exception {
    try {
      for (ServerSocket listener : listeners) {
        listener.close();
      }
      synchronized (accepted) {
        for (Socket connection : accepted) {
          connection.close();
        }
      }
    } finally {
      teardown.close();
    }
  }
}
