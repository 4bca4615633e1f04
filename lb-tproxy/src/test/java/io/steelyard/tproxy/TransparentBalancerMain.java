package io.steelyard.tproxy;

import static java.time.Duration.ofMillis;

import io.steelyard.lb.BackendBuilder;
import io.steelyard.lb.Balancer;
import io.steelyard.lb.stats.Traffic;
import io.steelyard.lb.schedule.Balance;
import io.steelyard.lb.transport.Splice;
import io.steelyard.lb.transport.Transport;
import java.util.ArrayList;
import java.util.List;

/**
 * The seed's transparent balancer, run in the balancer's network namespace by the tests:
 * {@code bind :80 transparent}, leastconn, {@code stick on src}, {@code usesrc clientip}.
 *
 * <p>Args: {@code apply|none|unchecked}, then options, then the servers' {@code host:port}.
 * {@code apply}: it applies the routing rules itself and removes them at exit; {@code none}: the
 * rules are someone else's, and start() checks that they are in place; {@code unchecked}: nothing
 * about the rules is checked ({@link Tproxy#transport()}). Options: {@code --ipv6} (the rules
 * cover IPv6 too), {@code --source=clientip|client|ADDRESS} (HAProxy's {@code usesrc clientip},
 * {@code usesrc client}, {@code source ADDRESS}; {@code clientip} by default), {@code
 * --bind=ADDRESS:PORT} (instead of {@code :80}, for example a foreign address), {@code --splice}
 * (relay both directions with splice(2)). At exit it prints on standard error the bytes sent to
 * clients and how many of them were spliced: {@code out N spliced out M}.
 *
 * <p>Prints {@code ready} once started, or {@code failed: } and the start error; stops when its
 * standard input closes. Says on standard error who it runs as: {@code balancer: uid U, CapEff
 * HEX}.
 */
public final class TransparentBalancerMain {
  private TransparentBalancerMain() {}

  public static void main(String[] args) throws Exception {
    System.err.println("balancer: " + identity());
    String mode = args[0];
    if (!List.of("apply", "none", "unchecked").contains(mode)) {
      throw new IllegalArgumentException("apply, none or unchecked: " + mode);
    }
    RoutingRules.Builder builder = RoutingRules.builder();
    String source = "clientip";
    String bind = ":80";
    boolean splice = false;
    List<String> servers = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--ipv6")) {
        builder.ipv6();
      } else if (args[i].equals("--splice")) {
        splice = true;
      } else if (args[i].startsWith("--bind=")) {
        bind = args[i].substring("--bind=".length());
      } else if (args[i].startsWith("--source=")) {
        source = args[i].substring("--source=".length());
      } else if (args[i].startsWith("--")) {
        throw new IllegalArgumentException("unknown option " + args[i]);
      } else {
        servers.add(args[i]);
      }
    }
    RoutingRules rules = builder.build();
    boolean apply = mode.equals("apply");
    TproxyTransport tproxy = mode.equals("unchecked") ? Tproxy.transport() : Tproxy.transport(rules);
    Transport transport = splice ? tproxy.splice(Splice.BOTH) : tproxy;
    String sourceMode = source;
    String bindAddress = bind;
    try {
      if (apply) {
        rules.apply();
      }
      try (Balancer balancer =
          Balancer.builder()
              .transport(transport)
              .drainTimeout(ofMillis(500))
              .frontend("ft", f -> f.bind(bindAddress).transparent().defaultBackend("bk"))
              .backend("bk", b -> {
                b.balance(Balance.leastConn()).stickOnSource(t -> t.size(200_000))
                    .connectTimeout(ofMillis(1000)).retries(0);
                source(b, sourceMode);
                for (int i = 0; i < servers.size(); i++) {
                  b.server("s" + (i + 1), servers.get(i));
                }
              })
              .start()) {
        System.out.println("ready");
        System.out.flush();
        System.in.readAllBytes();
        Traffic traffic = balancer.stats().backend("bk").traffic();
        System.err.println("out " + traffic.bytesOut() + " spliced out " + traffic.splicedOut());
      }
    } catch (RuntimeException e) {
      System.out.println("failed: " + e.getMessage());
    } finally {
      if (apply) {
        try {
          rules.remove();
        } catch (RuntimeException e) {
          System.err.println("cannot remove the routing rules: " + e.getMessage());
        }
      }
    }
  }

  /** {@code uid U, CapEff HEX}, from /proc/self/status. */
  private static String identity() throws java.io.IOException {
    String uid = "?";
    String effective = "?";
    for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
      if (line.startsWith("Uid:")) {
        uid = line.split("\\s+")[2];
      } else if (line.startsWith("CapEff:")) {
        effective = line.substring("CapEff:".length()).strip();
      }
    }
    return "uid " + uid + ", CapEff " + effective;
  }

  private static void source(BackendBuilder backend, String source) {
    switch (source) {
      case "clientip" -> backend.sourceClientIp();
      case "client" -> backend.sourceClient();
      default -> backend.source(source);
    }
  }
}
