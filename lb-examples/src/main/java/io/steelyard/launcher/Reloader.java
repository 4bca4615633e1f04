package io.steelyard.launcher;

import io.steelyard.launcher.haproxy.HaproxyConfig;
import io.steelyard.lb.Balancer;
import io.steelyard.lb.ConfigException;
import io.steelyard.lb.Reconfiguration;
import io.steelyard.lb.config.BalancerConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import sun.misc.Signal;

/**
 * Reloads the HAProxy files on SIGUSR2 (HAProxy's master-worker reload) and SIGHUP (keepalived's):
 * reads and checks them again as at start, then applies the difference to the running balancer
 * ({@link Balancer#reconfigure}): servers added, removed (in maintenance until their last
 * connection ends) and retuned, no connection cut. A file with a mistake, or a difference that a
 * running balancer cannot take yet, changes nothing: the errors are printed at file:line as at
 * start, the balancer keeps serving, and {@code show info} says the last reload failed.
 * keepalived files are not read again. One reload at a time, each on a thread of its own, so
 * that a signal is never kept waiting.
 */
final class Reloader {
  private final Balancer balancer;
  private final List<Path> files;
  private final String localPeer;
  private final SystemdNotify systemd;
  private final PrintStream err;

  private Reloader(
      Balancer balancer, List<Path> files, String localPeer, SystemdNotify systemd, PrintStream err) {
    this.balancer = balancer;
    this.files = files;
    this.localPeer = localPeer;
    this.systemd = systemd;
    this.err = err;
  }

  /**
   * Reloads {@code files} (read with {@code -L localPeer}) into {@code balancer} on the signals,
   * telling {@code systemd} that it reloads and then that it is ready again.
   */
  static void install(
      Balancer balancer, List<Path> files, String localPeer, SystemdNotify systemd, PrintStream err) {
    Reloader reloader = new Reloader(balancer, files, localPeer, systemd, err);
    for (String signal : List.of("USR2", "HUP")) {
      Signal.handle(new Signal(signal), received -> {
        Thread reload = new Thread(() -> reloader.reload("SIG" + signal), "steelyard-reload");
        reload.setDaemon(true);
        reload.start();
      });
    }
  }

  /** Reads the files again and applies them; prints what changed, or why nothing did. */
  synchronized void reload(String cause) {
    systemd.reloading();
    try {
      apply(cause);
    } finally {
      systemd.ready();
    }
  }

  private void apply(String cause) {
    err.println("[NOTICE] " + cause + ": reloading " + files);
    BalancerConfig next;
    try {
      HaproxyConfig config = HaproxyConfig.read(files, localPeer);
      config.notes().forEach(err::println);
      next = config.check();
    } catch (ConfigFileException e) {
      e.errors().forEach(error -> err.println("[ALERT] " + error));
      err.println("[ALERT] reload failed: the running configuration goes on");
      balancer.reconfigurationFailed(String.join("; ", e.errors()));
      return;
    }
    try {
      Reconfiguration done = balancer.reconfigure(next);
      if (done.changes().isEmpty()) {
        err.println("[NOTICE] reloaded: nothing changed");
      }
      done.changes().forEach(change -> err.println("[NOTICE] reloaded: " + change));
    } catch (ConfigException e) {
      err.println("[ALERT] reload failed: " + e.getMessage() + "; the running configuration goes on");
    }
  }
}
