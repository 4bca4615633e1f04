package io.steelyard.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steelyard.lb.testing.NetworkNamespace;
import io.steelyard.lb.testing.Privileged;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar steelyard.jar -f haproxy.cfg -f keepalived.conf} as a process in a network
 * namespace, with keepalived (Debian's package) as its peer in another, the two joined by a veth
 * pair on 198.51.100.0/24: the launcher takes the VIP, its tracked script moves its priority below
 * the peer's and back, its notify scripts run with keepalived's arguments, and SIGTERM hands the
 * VIP to the peer before the balancer drains. A keepalived.conf reloaded (SIGHUP): a lower priority
 * that still outranks the peer keeps mastership (no transition, the VIP stays); one below the
 * peer's hands the VIP over; a virtual address added on both hosts goes on the master's interface;
 * a tracked script added with a weight that brings the priority below the peer's hands both over.
 * A keepalived.conf run alone (no haproxy.cfg) reloads on SIGHUP as keepalived does.
 */
@Privileged(tools = {"ip", "keepalived", "socat"})
class KeepalivedJarTest {
  private static final String VIP = "198.51.100.200";
  private static final String VIP2 = "198.51.100.201";
  private static final String HAPROXY_CFG = """
      defaults
          mode tcp
          timeout connect 1s
          timeout client 30s
          timeout server 30s
      frontend ft
          bind 127.0.0.1:8080
          default_backend bk
      backend bk
          server s1 127.0.0.1:9000
      """;

  @TempDir Path dir;
  private final List<Process> started = new ArrayList<>();

  /** Stops what a test started, keepalived's VRRP child included, also when the test fails. */
  @AfterEach
  void stopLeftovers() throws Exception {
    for (Process process : started) {
      if (process.isAlive()) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    Path vrrpPid = dir.resolve("vrrp.pid");
    if (Files.exists(vrrpPid)) {
      ProcessHandle.of(Long.parseLong(Files.readString(vrrpPid).strip()))
          .ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  private Process start(NetworkNamespace ns, String log, String... command) throws Exception {
    Process process = new ProcessBuilder(ns.prefixed(command))
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve(log).toFile())
        .start();
    started.add(process);
    return process;
  }

  private String read(String file) throws Exception {
    Path path = dir.resolve(file);
    return Files.exists(path) ? Files.readString(path, StandardCharsets.UTF_8) : "";
  }

  private static boolean hasVip(NetworkNamespace ns) throws Exception {
    return has(ns, VIP);
  }

  private static boolean has(NetworkNamespace ns, String vip) throws Exception {
    return ns.exec("ip", "-4", "-o", "addr", "show").contains(" " + vip + "/32 ");
  }

  private static void signal(String signal, long pid) throws Exception {
    new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).start().waitFor(10, TimeUnit.SECONDS);
  }

  private Path script(String name, String body) throws Exception {
    Path script = Files.writeString(dir.resolve(name), "#!/bin/sh\n" + body + "\n");
    assertThat(script.toFile().setExecutable(true)).isTrue();
    return script;
  }

  /** The same virtual router on both hosts: VRID 51, a password, the VIP, and {@code more}. */
  private static String instance(String iface, int priority, String more) {
    return instance(iface, priority, more, VIP);
  }

  /** VRID 51 with a password, at {@code priority}, holding {@code vips}, and {@code more}. */
  private static String instance(String iface, int priority, String more, String... vips) {
    return """
        vrrp_instance VI_1 {
            state BACKUP
            interface %s
            virtual_router_id 51
            priority %d
            advert_int 1
            authentication {
                auth_type PASS
                auth_pass secret12
            }
            virtual_ipaddress {
        %s    }
        %s}
        """.formatted(iface, priority,
        String.join("", List.of(vips).stream().map(vip -> "        " + vip + "/32\n").toList()), more);
  }

  @Test
  void takesTheVipFollowsItsScriptRunsNotifiesAndHandsTheVipOverOnSigterm() throws Exception {
    Path status = Files.writeString(dir.resolve("status"), "0");
    Path flag = script("flag.sh", "exit $(cat " + status + ")");
    Path notifyLog = dir.resolve("notify.log");
    Path notify = script("notify.sh", "echo \"$*\" >> " + notifyLog);
    Path cfg = Files.writeString(dir.resolve("haproxy.cfg"), HAPROXY_CFG);
    Path conf = Files.writeString(dir.resolve("keepalived.conf"), """
        global_defs {
            router_id steelyard_a
        }
        vrrp_script chk_haproxy {
            script "killall -0 haproxy"
            interval 1
        }
        vrrp_script chk_flag {
            script "%s"
            interval 1
            weight -60
            fall 2
        }
        """.formatted(flag) + instance("vA", 150, """
            track_script {
                chk_haproxy
                chk_flag
            }
            notify_master "%s master-arg"
            notify %s
        """.formatted(notify, notify)));
    Path peerConf = Files.writeString(dir.resolve("keepalived-b.conf"), instance("vB", 100, ""));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String jar = System.getProperty("steelyard.jar");

    try (NetworkNamespace a = NetworkNamespace.create("kpa");
        NetworkNamespace b = NetworkNamespace.create("kpb")) {
      a.link("vA", "198.51.100.1/24", b, "vB", "198.51.100.2/24");
      start(a, "backend.log", "socat", "TCP-LISTEN:9000,bind=127.0.0.1,reuseaddr,fork", "EXEC:cat");
      start(b, "keepalived.log", "keepalived", "-n", "-l", "-D", "-f", peerConf.toString(),
          "--pid=" + dir.resolve("keepalived.pid"), "--vrrp_pid=" + dir.resolve("vrrp.pid"));
      Process steelyard = start(a, "steelyard.log", java, "-jar", jar, "-f", cfg.toString(), "-f",
          conf.toString());

      await("A (priority 150) takes the VIP; its log: " + read("steelyard.log"))
          .atMost(Duration.ofSeconds(20))
          .until(() -> hasVip(a) && !hasVip(b));
      assertThat(read("steelyard.log")).contains("vrrp_script 'chk_haproxy' ('killall -0"
          + " haproxy') checks for an haproxy process, which the launcher does not run");
      await("notify scripts for Master").atMost(Duration.ofSeconds(5))
          .until(() -> read("notify.log").contains("INSTANCE VI_1 MASTER 150"));

      Files.writeString(status, "1");
      await("after two failures A's priority is 90 and keepalived (100) preempts it")
          .atMost(Duration.ofSeconds(15))
          .until(() -> hasVip(b) && !hasVip(a));
      await().atMost(Duration.ofSeconds(5))
          .until(() -> read("notify.log").contains("INSTANCE VI_1 BACKUP 90"));

      Files.writeString(status, "0");
      await("back at 150, A preempts keepalived").atMost(Duration.ofSeconds(15))
          .until(() -> hasVip(a) && !hasVip(b));
      assertThat(read("notify.log").lines().toList()).containsSubsequence(
          "INSTANCE VI_1 BACKUP 150",
          "master-arg",
          "INSTANCE VI_1 MASTER 150",
          "INSTANCE VI_1 BACKUP 90",
          "master-arg",
          "INSTANCE VI_1 MASTER 150");

      // A client connection that stays open keeps the balancer draining after the signal.
      Process client = start(a, "client.log", "socat", "-u", "EXEC:sleep 30",
          "TCP:127.0.0.1:8080");
      await("the client is connected").atMost(Duration.ofSeconds(10))
          .until(() -> a.exec("ss", "-tnH", "state", "established", "( dport = :8080 )")
              .contains("127.0.0.1:8080"));
      steelyard.destroy();
      await("on SIGTERM keepalived takes the VIP at once from A's priority 0")
          .atMost(Duration.ofSeconds(3))
          .until(() -> hasVip(b) && !hasVip(a));
      assertThat(steelyard.isAlive()).as("A still drains its open connection; its log: %s",
          read("steelyard.log")).isTrue();
      assertThat(steelyard.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(steelyard.exitValue()).as(read("steelyard.log")).isZero();
      assertThat(read("steelyard.log")).contains("MASTER -> STOP").contains("[NOTICE] stopped");
      client.destroy();
    } finally {
      stopLeftovers();
    }
  }

  @Test
  void aReloadKeepsMastershipUnlessTheNewPriorityIsOutrankedAndChangesTheAddresses()
      throws Exception {
    Path cfg = Files.writeString(dir.resolve("haproxy.cfg"), HAPROXY_CFG);
    Path conf = Files.writeString(dir.resolve("keepalived.conf"), instance("vA", 150, "", VIP));
    Path peerConf = Files.writeString(dir.resolve("keepalived-b.conf"), instance("vB", 100, "", VIP));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    try (NetworkNamespace a = NetworkNamespace.create("kra");
        NetworkNamespace b = NetworkNamespace.create("krb")) {
      a.link("vA", "198.51.100.1/24", b, "vB", "198.51.100.2/24");
      start(b, "keepalived.log", "keepalived", "-n", "-l", "-D", "-f", peerConf.toString(),
          "--pid=" + dir.resolve("keepalived.pid"), "--vrrp_pid=" + dir.resolve("vrrp.pid"));
      Process steelyard = start(a, "steelyard.log", java, "-jar", System.getProperty("steelyard.jar"),
          "-f", cfg.toString(), "-f", conf.toString());
      await("A (priority 150) takes the VIP; its log: " + read("steelyard.log"))
          .atMost(Duration.ofSeconds(20)).until(() -> has(a, VIP) && !has(b, VIP));

      Files.writeString(conf, instance("vA", 140, "", VIP));
      signal("HUP", steelyard.pid());
      await("the reload; A's log: " + read("steelyard.log")).atMost(Duration.ofSeconds(10))
          .until(() -> read("steelyard.log").contains("reloaded: vrrp_instance VI_1: priority 150 -> 140"));
      Thread.sleep(4_500); // longer than keepalived's Master_Down_Interval at 100 (3.6 s)
      assertThat(has(a, VIP) && !has(b, VIP)).as("140 still outranks 100: A stays master").isTrue();
      assertThat(read("steelyard.log")).doesNotContain("MASTER -> BACKUP");

      Files.writeString(conf, instance("vA", 50, "", VIP));
      signal("HUP", steelyard.pid());
      await("at 50, keepalived (100) preempts A").atMost(Duration.ofSeconds(15))
          .until(() -> has(b, VIP) && !has(a, VIP));
      assertThat(read("steelyard.log")).contains("MASTER -> BACKUP");

      Files.writeString(peerConf, instance("vB", 100, "", VIP, VIP2));
      signal("HUP", Long.parseLong(Files.readString(dir.resolve("keepalived.pid")).strip()));
      Files.writeString(conf, instance("vA", 150, "", VIP, VIP2));
      signal("HUP", steelyard.pid());
      await("back at 150 with a second VIP, A takes both; its log: " + read("steelyard.log"))
          .atMost(Duration.ofSeconds(20))
          .until(() -> has(a, VIP) && has(a, VIP2) && !has(b, VIP) && !has(b, VIP2));
      assertThat(read("steelyard.log")).contains(
          "reloaded: vrrp_instance VI_1: priority 50 -> 150", "reloaded: vrrp_instance VI_1: virtual_ipaddress");

      Path failing = script("failing.sh", "exit 1");
      Files.writeString(conf, """
          vrrp_script chk_failing {
              script "%s"
              interval 1
              weight -120
          }
          """.formatted(failing)
          + instance("vA", 150, "    track_script {\n        chk_failing\n    }\n", VIP, VIP2));
      signal("HUP", steelyard.pid());
      await("a failing script at -120 (150 -> 30): keepalived takes both; A's log: "
          + read("steelyard.log")).atMost(Duration.ofSeconds(15))
          .until(() -> has(b, VIP) && has(b, VIP2) && !has(a, VIP) && !has(a, VIP2));
      assertThat(read("steelyard.log")).contains("reloaded: vrrp_instance VI_1: track_script");
      assertThat(steelyard.isAlive()).isTrue();
    } finally {
      stopLeftovers();
    }
  }

  @Test
  void aKeepalivedConfRunAloneReloadsOnSighupAsKeepalivedDoes() throws Exception {
    Path conf = Files.writeString(dir.resolve("keepalived.conf"), instance("vA", 150, ""));
    Path peerConf = Files.writeString(dir.resolve("keepalived-b.conf"), instance("vB", 100, ""));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    try (NetworkNamespace a = NetworkNamespace.create("kla");
        NetworkNamespace b = NetworkNamespace.create("klb")) {
      a.link("vA", "198.51.100.1/24", b, "vB", "198.51.100.2/24");
      start(b, "keepalived.log", "keepalived", "-n", "-l", "-D", "-f", peerConf.toString(),
          "--pid=" + dir.resolve("keepalived.pid"), "--vrrp_pid=" + dir.resolve("vrrp.pid"));
      Process steelyard = start(a, "steelyard.log", java, "-jar", System.getProperty("steelyard.jar"),
          "-f", conf.toString());
      await("A (priority 150) takes the VIP; its log: " + read("steelyard.log"))
          .atMost(Duration.ofSeconds(20)).until(() -> hasVip(a) && !hasVip(b));

      Files.writeString(conf, instance("vA", 50, ""));
      signal("HUP", steelyard.pid());
      await("at 50, keepalived (100) preempts A; A's log: " + read("steelyard.log"))
          .atMost(Duration.ofSeconds(15)).until(() -> hasVip(b) && !hasVip(a));
      assertThat(steelyard.isAlive()).as("SIGHUP reloads, it does not stop").isTrue();
      assertThat(read("steelyard.log")).contains("reloaded: vrrp_instance VI_1: priority 150 -> 50");
    } finally {
      stopLeftovers();
    }
  }
}
