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
 * VIP to the peer before the balancer drains.
 */
@Privileged(tools = {"ip", "keepalived", "socat"})
class KeepalivedJarTest {
  private static final String VIP = "198.51.100.200";

  @TempDir Path dir;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void stopLeftovers() throws InterruptedException {
    for (Process process : started) {
      if (process.isAlive()) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
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
    return ns.exec("ip", "-4", "-o", "addr", "show").contains(" " + VIP + "/32 ");
  }

  private Path script(String name, String body) throws Exception {
    Path script = Files.writeString(dir.resolve(name), "#!/bin/sh\n" + body + "\n");
    assertThat(script.toFile().setExecutable(true)).isTrue();
    return script;
  }

  /** The same virtual router on both hosts: VRID 51, a password, the VIP, and {@code more}. */
  private static String instance(String iface, int priority, String more) {
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
                %s/32
            }
        %s}
        """.formatted(iface, priority, VIP, more);
  }

  @Test
  void takesTheVipFollowsItsScriptRunsNotifiesAndHandsTheVipOverOnSigterm() throws Exception {
    Path status = Files.writeString(dir.resolve("status"), "0");
    Path flag = script("flag.sh", "exit $(cat " + status + ")");
    Path notifyLog = dir.resolve("notify.log");
    Path notify = script("notify.sh", "echo \"$*\" >> " + notifyLog);
    Path cfg = Files.writeString(dir.resolve("haproxy.cfg"), """
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
        """);
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
      Path vrrpPid = dir.resolve("vrrp.pid");
      if (Files.exists(vrrpPid)) {
        ProcessHandle.of(Long.parseLong(Files.readString(vrrpPid).strip()))
            .ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }
}
