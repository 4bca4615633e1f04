package io.steelyard.tproxy;

import static java.time.Duration.ofMillis;

import io.steelyard.lb.Balancer;
import io.steelyard.lb.schedule.Balance;

/**
 * The seed's transparent balancer, run in the balancer's network namespace by the tests:
 * {@code bind :80 transparent}, leastconn, {@code stick on src}, {@code usesrc clientip}. Args:
 * {@code apply|none} (whether it applies the routing rules itself, and removes them at exit),
 * then the servers' {@code host:port}. Prints {@code ready} once started, or the start error;
 * stops when its standard input closes.
 */
public final class TransparentBalancerMain {
  private TransparentBalancerMain() {}

  public static void main(String[] args) throws Exception {
    RoutingRules rules = RoutingRules.builder().build();
    boolean apply = args[0].equals("apply");
    if (apply) {
      rules.apply();
    }
    try (Balancer balancer =
        Balancer.builder()
            .transport(Tproxy.transport(rules))
            .drainTimeout(ofMillis(500))
            .frontend("ft", f -> f.bind(":80").transparent().defaultBackend("bk"))
            .backend("bk", b -> {
              b.balance(Balance.leastConn()).stickOnSource(t -> t.size(200_000)).sourceClientIp()
                  .connectTimeout(ofMillis(1000)).retries(0);
              for (int i = 1; i < args.length; i++) {
                b.server("s" + i, args[i]);
              }
            })
            .start()) {
      System.out.println("ready");
      System.out.flush();
      System.in.readAllBytes();
    } catch (RuntimeException e) {
      System.out.println("failed: " + e.getMessage());
    } finally {
      if (apply) {
        rules.remove();
      }
    }
  }
}
