package io.steelyard.tproxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.steelyard.lb.testing.Privileged;
import io.steelyard.lb.testing.WorldReadableClasspath;
import io.steelyard.tproxy.TransparentTopology.Exchange;
import io.steelyard.tproxy.TransparentTopology.Family;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The transparent balancer run as {@code nobody} (uid 65534) in the balancer's namespace, through
 * {@code setpriv}: without capabilities start() refuses, naming CAP_NET_ADMIN and how to grant
 * it; with CAP_NET_ADMIN and CAP_NET_BIND_SERVICE as ambient capabilities (what systemd's {@code
 * AmbientCapabilities=} gives a service) it works, and the backends see the clients' addresses.
 * The routing rules need CAP_NET_ADMIN too: the test applies them as root first, and the
 * unprivileged balancer checks them ({@code none}).
 *
 * <p>That user cannot read this JVM's class path where Maven keeps it ({@code /root/.m2}), so the
 * child runs from a world-readable copy in a temporary directory, deleted afterwards.
 */
@Privileged(tools = {"ip", "iptables", "setpriv"})
class UnprivilegedBalancerTest {
  private static final String NOBODY = "65534";
  private static final List<String> AS_NOBODY =
      List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups");

  private static WorldReadableClasspath classpath;
  private TransparentTopology topology;

  @BeforeAll
  static void readableByNobody() throws Exception {
    List<String> command = new ArrayList<>(AS_NOBODY);
    command.addAll(List.of(TransparentTopology.java(), "-XX:-UsePerfData", "-version"));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue())
        .as("uid %s must be able to run the JVM at %s: %s", NOBODY, TransparentTopology.java(), output)
        .isZero();
    classpath = WorldReadableClasspath.copy();
  }

  @AfterAll
  static void deleteTheCopy() {
    if (classpath != null) {
      classpath.close();
    }
  }

  @BeforeEach
  void topology() throws Exception {
    topology = TransparentTopology.create(Family.IPV4);
    // As root, before the balancer starts: an unprivileged process could not add them.
    RoutingRules.builder().runVia(topology.balancer().prefixed().toArray(new String[0])).build().apply();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (topology != null) {
      topology.close();
    }
  }

  /** Starts the balancer as nobody with these capabilities (none if empty); returns its first line. */
  private String balancerAsNobody(String capabilities) throws Exception {
    List<String> wrapper = new ArrayList<>(AS_NOBODY);
    if (!capabilities.isEmpty()) {
      wrapper.add("--inh-caps=" + capabilities);
      wrapper.add("--ambient-caps=" + capabilities);
    }
    List<String> args = new ArrayList<>(List.of("none"));
    args.addAll(topology.servers());
    return topology.launch(topology.balancer(), wrapper, classpath.classpath(),
        TransparentBalancerMain.class, args.toArray(new String[0]));
  }

  /** The balancer's standard error once it has said who it runs as (waiting up to 10 s). */
  private String identity() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String stderr = topology.stderr(topology.lastProcess());
    while (!stderr.contains("CapEff") && System.nanoTime() < deadline) {
      Thread.sleep(20);
      stderr = topology.stderr(topology.lastProcess());
    }
    return stderr;
  }

  @Test
  void withoutCapabilitiesStartFailsNamingCapNetAdminAndHowToGrantIt() throws Exception {
    String line = balancerAsNobody("");

    assertThat(identity()).contains("balancer: uid 65534, CapEff 0000000000000000");
    assertThat(line)
        .startsWith("failed: transparent proxying (IP_TRANSPARENT) needs CAP_NET_ADMIN, which this "
            + "process does not have")
        .contains("AmbientCapabilities=CAP_NET_ADMIN CAP_NET_BIND_SERVICE")
        .contains("--ambient-caps=+net_admin,+net_bind_service")
        .contains("setcap cap_net_admin,cap_net_bind_service+ep");
  }

  @Test
  void withAmbientCapabilitiesBackendsSeeTheRealClient() throws Exception {
    String line = balancerAsNobody("+net_admin,+net_bind_service");

    assertThat(line).as(identity()).isEqualTo("ready");
    // CAP_NET_BIND_SERVICE is bit 10, CAP_NET_ADMIN bit 12: nothing else.
    assertThat(identity()).contains("balancer: uid 65534, CapEff 0000000000001400");
    List<Exchange> exchanges = topology.ask(2);
    for (Exchange exchange : exchanges) {
      assertThat(exchange.failed()).as(exchange.line()).isFalse();
      assertThat(exchange.seen()).as(exchange.line()).isEqualTo(exchange.source());
    }
  }

  /** Port 80 takes CAP_NET_BIND_SERVICE: CAP_NET_ADMIN alone gets past the check, not the bind. */
  @Test
  void withCapNetAdminAloneThePrivilegedPortIsRefused() throws Exception {
    String line = balancerAsNobody("+net_admin");

    assertThat(identity()).contains("balancer: uid 65534, CapEff 0000000000001000");
    assertThat(line).startsWith("failed:").contains(":80").containsIgnoringCase("permission denied");
  }
}
