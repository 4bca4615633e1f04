package io.steelyard.vrrp.linux;

import io.steelyard.lb.testing.NetworkNamespace;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Two network namespaces joined by a veth pair on 198.51.100.0/24 with no route out: host A has
 * {@code vA} 198.51.100.1, host B has {@code vB} 198.51.100.2. The virtual address is {@link
 * #VIP}.
 */
final class TwoHosts implements AutoCloseable {
  static final String VIP = "198.51.100.200";

  final NetworkNamespace a;
  final NetworkNamespace b;

  private TwoHosts(NetworkNamespace a, NetworkNamespace b) {
    this.a = a;
    this.b = b;
  }

  static TwoHosts create() throws Exception {
    NetworkNamespace a = NetworkNamespace.create("vrrpa");
    NetworkNamespace b;
    try {
      b = NetworkNamespace.create("vrrpb");
    } catch (Exception e) {
      a.close();
      throw e;
    }
    TwoHosts hosts = new TwoHosts(a, b);
    try {
      a.link("vA", "198.51.100.1/24", b, "vB", "198.51.100.2/24");
    } catch (Exception e) {
      hosts.close();
      throw e;
    }
    return hosts;
  }

  /** Whether the VIP is on the host's interface, by {@code ip -4 -o addr show}. */
  static boolean hasVip(NetworkNamespace ns) throws Exception {
    return ns.exec("ip", "-4", "-o", "addr", "show").contains(" " + VIP + "/32 ");
  }

  /** Polls {@code condition} every 50 ms until it holds; false when {@code limit} passed. */
  static boolean await(Duration limit, Callable<Boolean> condition) throws Exception {
    long end = System.nanoTime() + limit.toNanos();
    while (true) {
      if (condition.call()) {
        return true;
      }
      if (System.nanoTime() - end > 0) {
        return false;
      }
      Thread.sleep(50);
    }
  }

  @Override
  public void close() throws Exception {
    try {
      a.close();
    } finally {
      b.close();
    }
  }
}
