package io.steelyard.lb.cli;

import io.steelyard.lb.Balancer;
import io.steelyard.lb.Reconfigurations;
import io.steelyard.lb.config.FrontendConfig;
import io.steelyard.lb.stats.FrontendStats;
import io.steelyard.lb.stats.Limits;
import io.steelyard.lb.stats.Stats;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.RuntimeMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code show info}: HAProxy 2.6's {@code Key: value} lines, in its order, about the process.
 *
 * <p>{@code Name} is {@code Steelyard} and {@code Version} Steelyard's (its jar's version, {@code
 * dev} when run from classes); {@code Release_date} is {@code unknown}. From the JVM: {@code Pid},
 * {@code Uptime} and {@code Start_time_sec} (the JVM's), {@code Memmax_MB} (its maximum heap),
 * {@code PoolAlloc_MB} and {@code PoolUsed_MB} (its heap taken and used), {@code Ulimit-n} (its file
 * descriptor limit, where the JVM tells it), {@code node} (the host name). From the balancer:
 * {@code Nbthread} (its event loops), {@code Maxsock} (the descriptors it counts on), {@code
 * Maxconn} and {@code Hard_maxconn} (its global maxconn, configured or derived from the limit), {@code CurrConns} and {@code CumConns} (over
 * its frontends), {@code Listeners} (its bound addresses), {@code Jobs} (connections and
 * listeners), {@code TotalBytesOut} and {@code
 * TotalSplicdedBytesOut} (HAProxy's spelling: bytes to clients, and the part spliced). The rest
 * (SSL, compression, rates, pipes, tasks, peers...) read 0: Steelyard has no such thing or does
 * not measure it. Steelyard's own lines come last: {@code Reloads} and {@code Failed_reloads}
 * (reconfigurations applied and refused, {@link Balancer#reconfigurations()}) and {@code
 * Last_reload} ({@code none}, {@code ok}, or {@code failed: } and why), where HAProxy's master
 * process keeps its reloads.
 */
final class InfoLines {
  private static final String VERSION = version();

  private InfoLines() {}

  static String of(Balancer balancer) {
    RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
    Runtime memory = Runtime.getRuntime();
    long uptime = runtime.getUptime() / 1000;
    Stats stats = balancer.stats();
    long current = 0;
    long total = 0;
    long bytesOut = 0;
    long splicedOut = 0;
    for (FrontendStats frontend : stats.frontends()) {
      current += frontend.traffic().current();
      total += frontend.traffic().total();
      bytesOut += frontend.traffic().bytesOut();
      splicedOut += frontend.traffic().splicedOut();
    }
    int listeners = 0;
    for (FrontendConfig frontend : balancer.config().frontends()) {
      listeners += balancer.boundAddresses(frontend.name()).size();
    }
    Limits limits = balancer.limits();
    StringBuilder info = new StringBuilder();
    add(info, "Name", "Steelyard");
    add(info, "Version", VERSION);
    add(info, "Release_date", "unknown");
    add(info, "Nbthread", balancer.config().ioThreads());
    add(info, "Nbproc", 1);
    add(info, "Process_num", 1);
    add(info, "Pid", ProcessHandle.current().pid());
    add(info, "Uptime", String.format("%dd %dh%02dm%02ds",
        uptime / 86400, uptime / 3600 % 24, uptime / 60 % 60, uptime % 60));
    add(info, "Uptime_sec", uptime);
    add(info, "Memmax_MB", memory.maxMemory() >> 20);
    add(info, "PoolAlloc_MB", memory.totalMemory() >> 20);
    add(info, "PoolUsed_MB", (memory.totalMemory() - memory.freeMemory()) >> 20);
    add(info, "PoolFailed", 0);
    add(info, "Ulimit-n", limits.ulimitN());
    add(info, "Maxsock", limits.maxSock());
    add(info, "Maxconn", limits.maxConn());
    add(info, "Hard_maxconn", limits.maxConn());
    add(info, "CurrConns", current);
    add(info, "CumConns", total);
    zeros(info, "CumReq", "MaxSslConns", "CurrSslConns", "CumSslConns", "Maxpipes", "PipesUsed",
        "PipesFree", "ConnRate", "ConnRateLimit", "MaxConnRate", "SessRate", "SessRateLimit",
        "MaxSessRate", "SslRate", "SslRateLimit", "MaxSslRate", "SslFrontendKeyRate",
        "SslFrontendMaxKeyRate", "SslFrontendSessionReuse_pct", "SslBackendKeyRate",
        "SslBackendMaxKeyRate", "SslCacheLookups", "SslCacheMisses", "CompressBpsIn",
        "CompressBpsOut", "CompressBpsRateLim", "Tasks", "Run_queue");
    add(info, "Idle_pct", 100);
    add(info, "node", hostName());
    add(info, "Stopping", 0);
    add(info, "Jobs", current + listeners);
    add(info, "Unstoppable Jobs", 0);
    add(info, "Listeners", listeners);
    zeros(info, "ActivePeers", "ConnectedPeers");
    add(info, "DroppedLogs", balancer.droppedLogs());
    zeros(info, "BusyPolling", "FailedResolutions");
    add(info, "TotalBytesOut", bytesOut);
    add(info, "TotalSplicdedBytesOut", splicedOut);
    zeros(info, "BytesOutRate", "DebugCommandsIssued", "CumRecvLogs");
    add(info, "Build info", VERSION);
    add(info, "Memmax_bytes", memory.maxMemory());
    add(info, "PoolAlloc_bytes", memory.totalMemory());
    add(info, "PoolUsed_bytes", memory.totalMemory() - memory.freeMemory());
    add(info, "Start_time_sec", runtime.getStartTime() / 1000);
    add(info, "Tainted", 0);
    Reconfigurations reloads = balancer.reconfigurations();
    add(info, "Reloads", reloads.applied());
    add(info, "Failed_reloads", reloads.failed());
    String failure = reloads.lastFailed() ? reloads.lastFailure() : null;
    add(info, "Last_reload", failure != null ? "failed: " + oneLine(failure)
        : reloads.applied() > 0 ? "ok" : "none");
    return info.toString();
  }

  private static String oneLine(String text) {
    return text.replace('\n', ' ');
  }

  private static void add(StringBuilder info, String key, Object value) {
    info.append(key).append(": ").append(value).append('\n');
  }

  private static void zeros(StringBuilder info, String... keys) {
    for (String key : keys) {
      add(info, key, 0);
    }
  }

  /** The kernel's host name, read without any name lookup; {@code unknown} off Linux. */
  private static String hostName() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String version() {
    String version = InfoLines.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }
}
