package io.steelyard.vrrp.linux;

import io.steelyard.lb.testing.InNamespace;
import static io.steelyard.vrrp.linux.TwoHosts.await;
import static io.steelyard.vrrp.linux.TwoHosts.hasVip;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.steelyard.lb.Balancer;
import io.steelyard.lb.testing.NetworkNamespace;
import io.steelyard.lb.testing.Privileged;
import io.steelyard.lb.testing.TestBackend;
import io.steelyard.vrrp.Vrrp;
import io.steelyard.vrrp.state.State;
import io.steelyard.vrrp.state.Transition;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Two balancers on two hosts, each with a VRRP instance attached: the VIP stays with the
 * higher-priority one while it is healthy, moves when its only server goes down and back when it
 * returns, and is given up when a balancer closes.
 */
@Privileged(tools = {"ip"})
class AttachedBalancerTest {

  /**
   * Starts, in {@code ns}, a balancer over {@code server} (checked every 200 ms) with a VRRP
   * instance on {@code iface} that records its transitions in {@code transitions}.
   */
  private static Balancer start(NetworkNamespace ns, TestBackend server, String iface,
      int priority, List<Transition> transitions) throws Exception {
    return InNamespace.call(ns, () -> Balancer.builder()
        .ioThreads(1)
        .drainTimeout(ofSeconds(1))
        .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
        .backend("bk", b -> b.server("s1", server.hostPort(),
            s -> s.check().inter(ofMillis(200))))
        .attach(Vrrp.instance("VI_1")
            .iface(iface).virtualRouterId(51).priority(priority)
            .advertInterval(ofSeconds(1)).authPass("secret12")
            .virtualAddress(TwoHosts.VIP + "/32")
            .listener(transitions::add))
        .start());
  }

  private static State state(List<Transition> transitions) {
    return transitions.isEmpty() ? State.INITIALIZE : transitions.get(transitions.size() - 1).to();
  }

  @Test
  void theVipFollowsTheHealthyBalancerAndLeavesAClosedOne() throws Exception {
    List<Transition> onA = new CopyOnWriteArrayList<>();
    List<Transition> onB = new CopyOnWriteArrayList<>();
    try (TwoHosts hosts = TwoHosts.create()) {
      // Started on a thread in the namespace, the server's event loop thread is created there too.
      TestBackend serverA = InNamespace.call(hosts.a, () -> TestBackend.greeting("a1"));
      TestBackend serverB = null;
      Balancer a = null;
      Balancer b = null;
      try {
        serverB = InNamespace.call(hosts.b, () -> TestBackend.greeting("b1"));
        a = start(hosts.a, serverA, "vA", 150, onA);
        b = start(hosts.b, serverB, "vB", 100, onB);
        Balancer first = a;
        assertThat(first.healthy()).isTrue();

        assertThat(await(ofSeconds(10), () -> state(onA) == State.MASTER && hasVip(hosts.a)))
            .as("A (priority 150, healthy) is master with the VIP").isTrue();
        assertThat(await(ofSeconds(5), () -> state(onB) == State.BACKUP))
            .as("B is backup").isTrue();
        assertThat(hasVip(hosts.b)).isFalse();

        serverA.close();
        assertThat(await(ofSeconds(5), () -> !first.healthy()))
            .as("A's check marks its only server down").isTrue();
        assertThat(await(ofSeconds(3), () -> state(onA) == State.FAULT && !hasVip(hosts.a)))
            .as("unhealthy, A goes to Fault and removes the VIP").isTrue();
        assertThat(await(ofSeconds(5), () -> state(onB) == State.MASTER && hasVip(hosts.b)))
            .as("B takes the VIP over").isTrue();

        int port = serverA.address().getPort();
        serverA = InNamespace.call(hosts.a, () -> TestBackend.greeting("a1", port));
        assertThat(await(ofSeconds(10), () -> state(onA) == State.MASTER && hasVip(hosts.a)))
            .as("healthy again, A leaves Fault and preempts B").isTrue();
        assertThat(await(ofSeconds(3), () -> state(onB) == State.BACKUP && !hasVip(hosts.b)))
            .as("B is backup again").isTrue();

        a.close();
        assertThat(hasVip(hosts.a)).as("closing A's balancer gave up the VIP").isFalse();
        assertThat(state(onA)).isEqualTo(State.STOP);
        assertThat(await(ofSeconds(3), () -> state(onB) == State.MASTER && hasVip(hosts.b)))
            .as("B takes over at once from A's priority 0").isTrue();

        b.close();
        assertThat(hasVip(hosts.b)).as("closing B's balancer gave up the VIP").isFalse();
      } finally {
        if (a != null) {
          a.close();
        }
        if (b != null) {
          b.close();
        }
        serverA.close();
        if (serverB != null) {
          serverB.close();
        }
      }
    }
  }
}
