package io.steelyard.examples;

import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;

import io.steelyard.lb.BackendBuilder;
import io.steelyard.lb.Balancer;
import io.steelyard.lb.BalancerBuilder;
import io.steelyard.lb.cli.Level;
import io.steelyard.lb.cli.StatsSocket;
import io.steelyard.lb.schedule.Balance;
import io.steelyard.tproxy.RoutingRules;
import io.steelyard.tproxy.Tproxy;
import io.steelyard.vrrp.Vrrp;
import io.steelyard.vrrp.state.State;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

/**
 * The seed's setup in code: what {@code lb-examples/config/haproxy.cfg} and {@code
 * keepalived-master.conf} describe, built with the builder, for a Java application that runs its
 * balancer itself. Copy it, change the addresses and the interface, and run it as root (or with
 * {@code CAP_NET_ADMIN}, {@code CAP_NET_RAW} and {@code CAP_NET_BIND_SERVICE}) on each balancer
 * host, the second one with {@code --backup}: the first is peer {@code lb1}, the second {@code
 * lb2}, as {@code -L lb1} and {@code -L lb2} name them for the file.
 *
 * <ul>
 *   <li>Transparent frontends on ports 80 and 443 ({@code bind :80 transparent}): they take the
 *       connections to the virtual address, which this host does not own unless it is master.
 *   <li>Leastconn over two servers with health checks; a source-address stick table of 200k
 *       entries expiring after 30 minutes ({@code stick on src}) keeps each client on its server.
 *   <li>The client's own address as the source of each connection to a server ({@code source
 *       0.0.0.0 usesrc clientip}); the servers' replies come back because their default gateway is
 *       the virtual address, and the routing rules ({@link RoutingRules}, the seed's DIVERT chain,
 *       fwmark 1 and table 100) hand them to this process. The rules are applied here at start
 *       and removed at stop.
 *   <li>VRRP instance VI_1 on {@code enp0s3}, router id 100, advert every second, password
 *       {@code secret}, virtual address 198.51.100.100; priority 101 on the master host and 100 on
 *       the backup. It tracks the balancer's health by itself: the address leaves a host whose
 *       balancer has no server up, and a host that stops (priority 0 first, so the other takes
 *       over at once).
 *   <li>The stick tables replicated between the two hosts ({@code peers lb_peers}, port 10000 on
 *       each host's own address, HAProxy's peers protocol): the backup has every client's server
 *       when it takes over, and a returning host learns the tables before it takes the address.
 *   <li>A tcplog line per connection that carried data ({@code option tcplog}, {@code option
 *       dontlognull}), on the SLF4J logger {@code io.steelyard.lb.traffic}, where the file sends
 *       them to {@code /dev/log}.
 *   <li>HAProxy's stats socket on {@code /run/steelyard/admin.sock}, mode 660, level admin, for
 *       {@code socat} and {@code hatop}.
 * </ul>
 *
 * <p>SIGTERM or Ctrl-C stops it: the VRRP instance steps down and removes the address, the
 * listeners close, open connections get the drain time, then the routing rules go.
 */
public final class ReferenceSetup {
  /** The seed's servers, one per line of its backend, here on documentation addresses. */
  static final String[] SERVERS = {"198.51.100.21", "198.51.100.22"};

  /** The address clients connect to, which VRRP moves between the two balancer hosts. */
  static final String VIRTUAL_ADDRESS = "198.51.100.100";

  /** The peers that replicate the stick tables, by name: each host's own address, port 10000. */
  static final Map<String, String> PEERS =
      new TreeMap<>(Map.of("lb1", "198.51.100.11:10000", "lb2", "198.51.100.12:10000"));

  /** HAProxy's runtime API, for socat and hatop: {@code stats socket ... mode 660 level admin}. */
  static final Path STATS_SOCKET = Path.of("/run/steelyard/admin.sock");

  private ReferenceSetup() {}

  /** {@code --backup} on the second host: priority 100 and state BACKUP. */
  public static void main(String[] args) throws InterruptedException, IOException {
    boolean backup = args.length == 1 && args[0].equals("--backup");
    Files.createDirectories(STATS_SOCKET.getParent());
    RoutingRules rules = RoutingRules.builder().build();
    rules.apply();
    Balancer balancer;
    try {
      balancer =
          balancer(backup ? "lb2" : "lb1")
              .transport(Tproxy.transport(rules))
              .attach(virtualAddress(backup ? 100 : 101, backup ? State.BACKUP : State.MASTER))
              .attach(StatsSocket.unix(STATS_SOCKET).mode(0660).level(Level.ADMIN))
              .start();
    } catch (RuntimeException e) {
      rules.remove();
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  balancer.close();
                  rules.remove();
                  stopped.countDown();
                }));
    stopped.await();
  }

  /**
   * The haproxy.cfg half, on the host whose peer name is {@code self}: frontends, backends,
   * timeouts, peers; everything but the transport and VRRP.
   */
  static BalancerBuilder balancer(String self) {
    return Balancer.builder()
        .peers("lb_peers", p -> PEERS.forEach((name, address) -> {
          if (name.equals(self)) {
            p.local(name, address);
          } else {
            p.peer(name, address);
          }
        }))
        .defaults(
            d -> d.connectTimeout(ofSeconds(5)).clientTimeout(ofSeconds(50)).serverTimeout(ofSeconds(50)))
        .frontend("ft_http", f -> f.bind(":80").transparent().defaultBackend("bk_http").log().dontLogNull())
        .frontend("ft_https", f -> f.bind(":443").transparent().defaultBackend("bk_https").log().dontLogNull())
        .backend("bk_http", b -> transparentLeastConn(b, 80))
        .backend("bk_https", b -> transparentLeastConn(b, 443));
  }

  private static void transparentLeastConn(BackendBuilder backend, int port) {
    backend
        .balance(Balance.leastConn())
        .stickOnSource(t -> t.size(204_800).expire(ofMinutes(30)).peers("lb_peers")) // "size 200k"
        .sourceClientIp();
    for (int i = 0; i < SERVERS.length; i++) {
      backend.server("s" + (i + 1), SERVERS[i] + ":" + port, s -> s.check());
    }
  }

  /** The keepalived.conf half: instance VI_1 with the seed's settings. */
  static Vrrp.Builder virtualAddress(int priority, State state) {
    return Vrrp.instance("VI_1")
        .iface("enp0s3")
        .state(state)
        .virtualRouterId(100)
        .priority(priority)
        .advertInterval(ofSeconds(1))
        .authPass("secret")
        .virtualAddress(VIRTUAL_ADDRESS + "/32");
  }
}
