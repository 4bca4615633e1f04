package io.steelyard.launcher;

import com.sun.management.UnixOperatingSystemMXBean;
import io.steelyard.examples.Demo;
import io.steelyard.launcher.haproxy.HaproxyConfig;
import io.steelyard.launcher.keepalived.KeepalivedConfig;
import io.steelyard.lb.Balancer;
import io.steelyard.lb.StartException;
import io.steelyard.lb.config.BalancerConfig;
import io.steelyard.lb.config.FrontendConfig;
import io.steelyard.lb.transport.Transport;
import io.steelyard.tproxy.RoutingRules;
import io.steelyard.vrrp.Vrrp;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * {@code java -jar steelyard.jar}: runs HAProxy-style and keepalived configuration files on
 * Steelyard, checks them, or shows the demo.
 *
 * <ul>
 *   <li>{@code -f haproxy.cfg} runs the file until SIGTERM or SIGINT, which close the balancer
 *       gracefully (open connections get the drain time to finish) and exit 0.
 *   <li>{@code -c -f haproxy.cfg} only checks it, like {@code haproxy -c}: {@code Configuration
 *       file is valid} and status 0, or the errors on stderr and status 1.
 *   <li>no argument runs the {@link Demo} for about ten seconds; {@code --forever} until Ctrl-C.
 *   <li>{@code --jvm-options} with the other arguments prints the JVM options that {@code
 *       bin/steelyard} runs them with ({@link JvmSettings}): nothing for the demo.
 * </ul>
 *
 * <p>Each {@code -f} file is HAProxy's or keepalived's, told apart by its content ({@link
 * ConfigKind}). {@code -L NAME} names this balancer in the HAProxy files' {@code peers} sections,
 * as HAProxy's {@code -L} does, so that one file serves every balancer that replicates its stick
 * tables. A keepalived.conf ({@link KeepalivedConfig}) beside an haproxy.cfg attaches its
 * VRRP instances to the balancer: on a signal each master sends priority 0 and gives up its
 * addresses, then the balancer drains. A keepalived.conf alone runs its instances without a
 * balancer. {@code -c} checks both kinds.
 *
 * <p>A file with {@code bind ... transparent} or {@code source ... usesrc} runs on the TPROXY
 * transport ({@link HaproxyConfig#tproxyTransport}), with its routing rules: without an option,
 * start fails listing those missing; {@code --tproxy-rules} applies them before it starts and
 * removes them when it stops (SIGTERM and SIGINT too); {@code --tproxy-rules=external} checks
 * nothing. {@code --print-tproxy-rules} prints them and exits 0. Any other file runs on {@link
 * HaproxyConfig#plainTransport}, which splices as its {@code option splice-*} lines say where the
 * transport is epoll.
 *
 * <p>Notices and warnings about the file go to stderr before it runs. An unknown option prints
 * the usage and exits 1; so does a file with an error, after printing each error.
 */
public final class Launcher {
  /** slf4j-simple's log level for Steelyard's loggers. */
  private static final String QUIET_DEMO = "org.slf4j.simpleLogger.log.io.steelyard";

  private Launcher() {}

  public static void main(String[] args) throws InterruptedException {
    System.exit(run(System.out, System.err, args));
  }

  /**
   * Does what {@code args} say and returns the exit status; a running configuration does not
   * return, it ends with the JVM on a signal.
   */
  static int run(PrintStream out, PrintStream err, String... args) throws InterruptedException {
    CommandLine command;
    try {
      command = CommandLine.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("[ALERT] " + e.getMessage());
      err.print(CommandLine.USAGE);
      return 1;
    }
    if (command.help()) {
      out.print(CommandLine.USAGE);
      return 0;
    }
    if (command.files().isEmpty() && command.jvmOptions()) {
      return 0; // the demo runs on the JVM's defaults
    }
    if (command.files().isEmpty()) {
      return command.printRules()
          ? printRules(out, RoutingRules.builder(), false)
          : demo(out, err, command.forever());
    }
    try {
      List<Path> haproxyFiles = new ArrayList<>();
      List<Path> keepalivedFiles = new ArrayList<>();
      for (Path file : command.files()) {
        (ConfigKind.of(file) == ConfigKind.KEEPALIVED ? keepalivedFiles : haproxyFiles).add(file);
      }
      List<String> errors = new ArrayList<>();
      HaproxyConfig haproxy = null;
      KeepalivedConfig keepalived = null;
      try {
        haproxy = haproxyFiles.isEmpty()
            ? null
            : HaproxyConfig.read(haproxyFiles, command.localPeer());
      } catch (ConfigFileException e) {
        errors.addAll(e.errors());
      }
      try {
        keepalived = keepalivedFiles.isEmpty()
            ? null
            : KeepalivedConfig.read(keepalivedFiles, !haproxyFiles.isEmpty());
      } catch (ConfigFileException e) {
        errors.addAll(e.errors());
      }
      if (!errors.isEmpty()) {
        throw new ConfigFileException(errors);
      }
      if (command.jvmOptions()) {
        out.println(String.join(" ", jvmOptions(haproxy)));
        return 0;
      }
      if (haproxy != null) {
        haproxy.notes().forEach(err::println);
      }
      if (keepalived != null) {
        keepalived.notes().forEach(err::println);
      }
      if (command.printRules()) {
        return printRules(out, RoutingRules.builder(), haproxy != null && haproxy.ipv6());
      }
      if (command.check()) {
        if (haproxy != null) {
          haproxy.check();
          err.println("[NOTICE] transport: " + transportReason(haproxy, command));
        }
        out.println("Configuration file is valid");
        return 0;
      }
      if (haproxy == null) {
        return startStandalone(keepalived, keepalivedFiles, command.rules(), err);
      }
      return start(haproxy, keepalived == null ? List.of() : keepalived.builders(), command, err);
    } catch (ConfigFileException e) {
      e.errors().forEach(error -> err.println("[ALERT] " + error));
      return 1;
    } catch (StartException e) {
      err.println("[ALERT] " + e.getMessage());
      return 1;
    }
  }

  /**
   * The JVM options for {@code haproxy}'s maxconn (or what the descriptor limit allows when it
   * has none) and stick tables; for HAProxy's default of 100 connections when only keepalived
   * runs.
   */
  private static List<String> jvmOptions(HaproxyConfig haproxy) {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    BalancerConfig config = haproxy == null ? null : haproxy.check();
    long maxConn = config == null ? 100 : config.maxConn();
    if (maxConn <= 0 && os instanceof UnixOperatingSystemMXBean unix) {
      maxConn = JvmSettings.fromDescriptorLimit(unix.getMaxFileDescriptorCount());
    }
    long stickEntries = config == null
        ? 0
        : config.backends().stream()
            .filter(backend -> backend.stick() != null)
            .mapToLong(backend -> backend.stick().size())
            .sum();
    long memory = os instanceof com.sun.management.OperatingSystemMXBean machine
        ? machine.getTotalMemorySize()
        : Runtime.getRuntime().maxMemory() * 4;
    return JvmSettings.forBalancer(Math.max(maxConn, 100), stickEntries, memory);
  }

  private static int demo(PrintStream out, PrintStream err, boolean forever)
      throws InterruptedException {
    // The balancer's INFO lines (its listeners, the servers' checks) would bury the table in the
    // demo, as would each connection's line if its frontend logged. -D overrides.
    if (System.getProperty(QUIET_DEMO) == null) {
      System.setProperty(QUIET_DEMO, "warn");
    }
    boolean terminal = System.console() != null && out == System.out;
    Demo demo = new Demo(out, forever ? null : Demo.DURATION, terminal);
    GracefulStop stop = GracefulStop.install(demo::stop, err);
    try {
      return demo.run();
    } finally {
      stop.uninstall();
    }
  }

  /**
   * Prints the commands that add the TPROXY routing rules, for the host's firewall, or iptables's
   * when it has neither iptables nor nft.
   */
  private static int printRules(PrintStream out, RoutingRules.Builder builder, boolean ipv6) {
    if (ipv6) {
      builder.ipv6();
    }
    RoutingRules rules;
    try {
      rules = builder.build();
    } catch (IllegalStateException noFirewall) {
      rules = builder.firewall(RoutingRules.Firewall.IPTABLES).build();
    }
    rules.commands().forEach(out::println);
    return 0;
  }

  /**
   * Starts the balancer on the transport the file needs, with its routing rules as {@code mode}
   * says, and serves until a signal; returns only when it cannot start.
   */
  private static int start(HaproxyConfig config, List<Vrrp.Builder> vrrp, CommandLine command,
      PrintStream err) throws InterruptedException {
    CommandLine.Rules mode = command.rules();
    Transport transport = null;
    RoutingRules applied = null;
    if (!config.transparent()) {
      if (mode != CommandLine.Rules.CHECK) {
        noRulesNeeded(err);
      }
      transport = config.plainTransport(command.noUring(), command.noEpoll()).transport();
      if (config.splice() != null && transport.zeroCopyRelay() == null) {
        err.println("[WARNING] 'option splice-*' ignored: splice(2) needs the epoll transport,"
            + " and this one is " + transport.name());
      }
    }
    try {
      if (config.transparent() && mode == CommandLine.Rules.APPLY) {
        applied = config.routingRules();
        applied.apply();
        err.println("[NOTICE] TPROXY routing rules in place (removed on stop)");
        transport = config.tproxyTransport(applied);
      } else if (config.transparent() && mode == CommandLine.Rules.CHECK) {
        transport = config.tproxyTransport(config.routingRules());
      } else if (config.transparent()) {
        transport = config.tproxyTransport(null);
      }
    } catch (IllegalStateException | UncheckedIOException e) {
      err.println("[ALERT] TPROXY routing rules: " + e.getMessage());
      removeRules(applied, err);
      return 1;
    }
    Balancer balancer;
    try {
      balancer = config.start(transport, vrrp);
    } catch (RuntimeException e) {
      removeRules(applied, err);
      throw e;
    }
    SystemdNotify systemd = SystemdNotify.fromEnvironment();
    Reloader.install(balancer,
        command.files().stream().filter(file -> ConfigKind.of(file) != ConfigKind.KEEPALIVED).toList(),
        command.files().stream().filter(file -> ConfigKind.of(file) == ConfigKind.KEEPALIVED).toList(),
        vrrp, command.localPeer(), config.services(), systemd, err);
    serve(balancer, applied, systemd, err);
    return 0; // not reached: a signal ends the JVM while serve waits
  }

  /** Which transport the files run on and why, for {@code -c}. */
  private static String transportReason(HaproxyConfig config, CommandLine command) {
    if (config.transparent()) {
      return "tproxy (epoll with IP_TRANSPARENT" + (config.splice() == null ? "" : ", splicing")
          + "), which 'transparent' and 'usesrc' need";
    }
    return config.plainTransport(command.noUring(), command.noEpoll()).reason();
  }

  private static void noRulesNeeded(PrintStream err) {
    err.println("[NOTICE] option '--tproxy-rules' ignored: the configuration has no"
        + " 'transparent' bind and no 'usesrc' source");
  }

  /**
   * Starts the VRRP instances of a keepalived.conf given without an HAProxy file, and runs them
   * until a stopping signal, which makes each master send priority 0 and give up its addresses;
   * SIGHUP and SIGUSR2 reload {@code files}. Returns only when one cannot start.
   */
  private static int startStandalone(KeepalivedConfig config, List<Path> files,
      CommandLine.Rules mode, PrintStream err) throws InterruptedException {
    if (mode != CommandLine.Rules.CHECK) {
      noRulesNeeded(err);
    }
    List<Vrrp.Builder> instances;
    try {
      instances = config.startStandalone();
    } catch (IllegalStateException e) {
      err.println("[ALERT] " + e.getMessage());
      return 1;
    }
    SystemdNotify systemd = SystemdNotify.fromEnvironment();
    GracefulStop.install(
        () -> {
          systemd.stopping();
          err.println("[NOTICE] stopping: each master sends priority 0 and gives up its"
              + " addresses");
          for (int i = instances.size() - 1; i >= 0; i--) {
            instances.get(i).running().close();
          }
          err.println("[NOTICE] stopped");
        },
        err);
    for (Vrrp.Builder instance : instances) {
      err.println("[NOTICE] vrrp_instance '" + instance.name() + "' running on "
          + instance.running().iface().name());
    }
    Reloader.install(null, List.of(), files, instances, null, List.of(), systemd, err);
    systemd.ready();
    new CountDownLatch(1).await();
    return 0; // not reached: a signal ends the JVM while this waits
  }

  /** Removes the routing rules that the launcher applied, if any, saying so. */
  private static void removeRules(RoutingRules applied, PrintStream err) {
    if (applied == null) {
      return;
    }
    try {
      applied.remove();
      err.println("[NOTICE] TPROXY routing rules removed");
    } catch (IllegalStateException | UncheckedIOException e) {
      err.println("[ALERT] cannot remove the TPROXY routing rules: " + e.getMessage());
    }
  }

  /**
   * Reports where the balancer listens and waits until a signal closes it, removes the routing
   * rules the launcher applied, and ends the JVM.
   */
  private static void serve(
      Balancer balancer, RoutingRules applied, SystemdNotify systemd, PrintStream err)
      throws InterruptedException {
    GracefulStop.install(
        () -> {
          systemd.stopping();
          err.println("[NOTICE] stopping: no new connections; open ones have "
              + balancer.config().drainTimeout().toSeconds() + " s to finish");
          try {
            balancer.close();
          } finally {
            removeRules(applied, err);
          }
          err.println("[NOTICE] stopped");
        },
        err);
    for (FrontendConfig frontend : balancer.config().frontends()) {
      err.println("[NOTICE] frontend '" + frontend.name() + "' listening on "
          + addresses(balancer.boundAddresses(frontend.name())));
    }
    systemd.ready();
    new CountDownLatch(1).await();
  }

  private static String addresses(List<InetSocketAddress> addresses) {
    return addresses.stream()
        .map(a -> {
          String host = a.getAddress().getHostAddress();
          return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
        })
        .collect(Collectors.joining(", "));
  }
}
