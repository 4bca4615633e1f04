package io.steelyard.examples;

import io.steelyard.lb.Balancer;
import io.steelyard.lb.FrontendConfig;
import io.steelyard.lb.StartException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * {@code java -jar steelyard.jar}: runs an HAProxy-style configuration file on Steelyard, checks
 * one, or shows the demo.
 *
 * <ul>
 *   <li>{@code -f haproxy.cfg} runs the file until SIGTERM or SIGINT, which close the balancer
 *       gracefully (open connections get the drain time to finish) and exit 0.
 *   <li>{@code -c -f haproxy.cfg} only checks it, like {@code haproxy -c}: {@code Configuration
 *       file is valid} and status 0, or the errors on stderr and status 1.
 *   <li>no argument runs the {@link Demo} for about ten seconds; {@code --forever} until Ctrl-C.
 * </ul>
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
    if (command.files().isEmpty()) {
      return demo(out, err, command.forever());
    }
    try {
      HaproxyConfig config = HaproxyConfig.read(command.files());
      config.notes().forEach(err::println);
      if (command.check()) {
        config.check();
        out.println("Configuration file is valid");
        return 0;
      }
      serve(config.start(), err);
      return 0; // not reached: a signal ends the JVM while serve waits
    } catch (ConfigFileException e) {
      e.errors().forEach(error -> err.println("[ALERT] " + error));
      return 1;
    } catch (StartException e) {
      err.println("[ALERT] " + e.getMessage());
      return 1;
    }
  }

  private static int demo(PrintStream out, PrintStream err, boolean forever)
      throws InterruptedException {
    // The balancer logs every connection; in the demo that would bury the table. -D overrides.
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

  /** Reports where the balancer listens and waits until a signal closes it and ends the JVM. */
  private static void serve(Balancer balancer, PrintStream err) throws InterruptedException {
    GracefulStop.install(
        () -> {
          err.println("[NOTICE] stopping: no new connections; open ones have "
              + balancer.config().drainTimeout().toSeconds() + " s to finish");
          balancer.close();
          err.println("[NOTICE] stopped");
        },
        err);
    for (FrontendConfig frontend : balancer.config().frontends()) {
      err.println("[NOTICE] frontend '" + frontend.name() + "' listening on "
          + addresses(balancer.boundAddresses(frontend.name())));
    }
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
