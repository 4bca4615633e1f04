package io.steelyard.launcher;

import io.steelyard.launcher.haproxy.HaproxyConfig;
import io.steelyard.lb.Balancer;
import io.steelyard.lb.ConfigException;
import io.steelyard.lb.config.BalancerConfig;
import io.steelyard.launcher.keepalived.KeepalivedConfig;
import io.steelyard.vrrp.Vrrp;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sun.misc.Signal;

/**
 * Reloads the configuration files on SIGUSR2 (HAProxy's master-worker reload) and SIGHUP
 * (keepalived's): reads and checks them all again as at start, then applies the difference. The
 * HAProxy files go to the running balancer ({@link Balancer#reconfigure}): frontends, backends and
 * servers added, removed (their connections go on) and changed, no connection cut. Each
 * keepalived instance takes its new priority, virtual addresses, initial state, preemption and
 * tracked scripts ({@link Vrrp.Builder#reconfigure}) without leaving its state: a master stays
 * master unless its new priority is outranked. A file with a mistake, or a difference that the
 * running balancer or instances cannot take yet (an instance added or removed, a new virtual
 * router id, changed notify scripts ...), changes nothing: the errors are printed at file:line as at start, the balancer
 * keeps serving, and {@code show info} says the last reload failed. One reload at a time, each on
 * a thread of its own, so that a signal is never kept waiting.
 */
final class Reloader {
  private final Balancer balancer;
  private final List<Path> files;
  private final List<Path> keepalivedFiles;
  private final List<Vrrp.Builder> instances;
  private final String localPeer;
  /** The stats sockets and Prometheus page the balancer started with ({@link HaproxyConfig#services}). */
  private final List<String> services;
  private final SystemdNotify systemd;
  private final PrintStream err;

  private Reloader(Balancer balancer, List<Path> files, List<Path> keepalivedFiles,
      List<Vrrp.Builder> instances, String localPeer, List<String> services, SystemdNotify systemd,
      PrintStream err) {
    this.balancer = balancer;
    this.files = files;
    this.keepalivedFiles = keepalivedFiles;
    this.instances = instances;
    this.localPeer = localPeer;
    this.services = services;
    this.systemd = systemd;
    this.err = err;
  }

  /**
   * Reloads {@code files} (HAProxy's, read with {@code -L localPeer}) into {@code balancer} (none,
   * and no file, for a keepalived.conf run alone), and
   * {@code keepalivedFiles} into the running {@code instances} they started, on the signals,
   * telling {@code systemd} that it reloads and then that it is ready again; {@code services} are
   * the stats sockets and Prometheus page it started with.
   */
  static void install(Balancer balancer, List<Path> files, List<Path> keepalivedFiles,
      List<Vrrp.Builder> instances, String localPeer, List<String> services, SystemdNotify systemd,
      PrintStream err) {
    Reloader reloader = new Reloader(
        balancer, files, keepalivedFiles, instances, localPeer, services, systemd, err);
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
    List<Path> all = new ArrayList<>(files);
    all.addAll(keepalivedFiles);
    err.println("[NOTICE] " + cause + ": reloading " + all);
    BalancerConfig next;
    List<String> nextServices;
    Map<String, Vrrp.Builder> nextInstances = new LinkedHashMap<>();
    try {
      if (balancer == null) {
        next = null;
        nextServices = services;
      } else {
        HaproxyConfig config = HaproxyConfig.read(files, localPeer);
        config.notes().forEach(err::println);
        next = config.check();
        nextServices = config.services();
      }
      if (!keepalivedFiles.isEmpty()) {
        KeepalivedConfig keepalived = KeepalivedConfig.read(keepalivedFiles, balancer != null);
        keepalived.notes().forEach(err::println);
        keepalived.builders().forEach(builder -> nextInstances.put(builder.name(), builder));
      }
    } catch (ConfigFileException e) {
      e.errors().forEach(error -> err.println("[ALERT] " + error));
      fail(String.join("; ", e.errors()));
      return;
    }
    List<String> refused = vrrpRefusals(nextInstances);
    if (!refused.isEmpty()) {
      fail("cannot apply to the running VRRP instances (restart for these): "
          + String.join("; ", refused));
      return;
    }
    List<String> changes = new ArrayList<>();
    if (balancer != null) {
      try {
        changes.addAll(balancer.reconfigure(next).changes());
      } catch (ConfigException e) {
        err.println("[ALERT] reload failed: " + e.getMessage() + "; the running configuration goes on");
        return;
      }
    }
    for (Vrrp.Builder instance : instances) {
      for (String change : instance.reconfigure(nextInstances.get(instance.name()))) {
        changes.add("vrrp_instance " + instance.name() + ": " + change);
      }
    }
    if (!nextServices.equals(services)) {
      err.println("[WARNING] reload: the stats sockets and the Prometheus page keep what they"
          + " started with until the next start: " + services + " (the files now say "
          + nextServices + ")");
    }
    if (changes.isEmpty()) {
      err.println("[NOTICE] reloaded: nothing changed");
    }
    changes.forEach(change -> err.println("[NOTICE] reloaded: " + change));
  }

  /** What the running instances cannot take from the files read again; empty when all can. */
  private List<String> vrrpRefusals(Map<String, Vrrp.Builder> next) {
    List<String> refused = new ArrayList<>();
    Map<String, Vrrp.Builder> running = new LinkedHashMap<>();
    instances.forEach(instance -> running.put(instance.name(), instance));
    for (String name : next.keySet()) {
      if (!running.containsKey(name)) {
        refused.add("vrrp_instance " + name + " added");
      }
    }
    for (Vrrp.Builder instance : instances) {
      Vrrp.Builder again = next.get(instance.name());
      if (again == null) {
        refused.add("vrrp_instance " + instance.name() + " removed");
        continue;
      }
      List<String> fixed = instance.fixedDifferences(again);
      if (!fixed.isEmpty()) {
        refused.add("vrrp_instance " + instance.name() + ": " + String.join(", ", fixed) + " changed");
      }
    }
    return refused;
  }

  private void fail(String reason) {
    err.println("[ALERT] reload failed: " + reason + "; the running configuration goes on");
    if (balancer != null) {
      balancer.reconfigurationFailed(reason);
    }
  }
}
