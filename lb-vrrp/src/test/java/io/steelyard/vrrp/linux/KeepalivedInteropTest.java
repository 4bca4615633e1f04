package io.steelyard.vrrp.linux;

import static io.steelyard.vrrp.linux.TwoHosts.await;
import static io.steelyard.vrrp.linux.TwoHosts.hasVip;
import static org.assertj.core.api.Assertions.assertThat;

import io.steelyard.lb.testing.NetworkNamespace;
import io.steelyard.lb.testing.Privileged;
import io.steelyard.vrrp.state.State;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Steelyard and keepalived (Debian's package) as the two routers of one virtual router, VRRPv2
 * with a password: the higher priority wins whichever program it runs in, and the other takes
 * over when it stops.
 */
@Privileged(tools = {"ip", "keepalived"})
class KeepalivedInteropTest {
  @TempDir Path dir;

  @Test
  void steelyardBacksUpKeepalivedAndTakesOverWhenItStops() throws Exception {
    try (TwoHosts hosts = TwoHosts.create()) {
      Process keepalived = startKeepalived(hosts.a, "vA", 150);
      VrrpInstance steelyard = null;
      try {
        steelyard = InNamespace.call(hosts.b,
            () -> VrrpInstance.start(VrrpInstanceTest.config(100), "vB"));
        VrrpInstance backup = steelyard;
        assertThat(await(Duration.ofSeconds(10), () -> hasVip(hosts.a)))
            .as("keepalived (priority 150) holds the VIP; its log: %s", log()).isTrue();
        Thread.sleep(2_000);
        assertThat(backup.state()).as("Steelyard accepts keepalived's adverts")
            .isEqualTo(State.BACKUP);
        assertThat(hasVip(hosts.b)).isFalse();
        assertThat(hasVip(hosts.a)).isTrue();

        stop(keepalived);
        assertThat(await(Duration.ofSeconds(3), () -> backup.state() == State.MASTER
            && hasVip(hosts.b))).as("Steelyard takes over when keepalived stops").isTrue();
        assertThat(hasVip(hosts.a)).isFalse();
      } finally {
        stop(keepalived);
        if (steelyard != null) {
          steelyard.close();
        }
      }
    }
  }

  @Test
  void keepalivedBacksUpSteelyardAndTakesOverWhenItCloses() throws Exception {
    try (TwoHosts hosts = TwoHosts.create()) {
      VrrpInstance steelyard = InNamespace.call(hosts.b,
          () -> VrrpInstance.start(VrrpInstanceTest.config(150), "vB"));
      Process keepalived = null;
      try {
        keepalived = startKeepalived(hosts.a, "vA", 100);
        assertThat(await(Duration.ofSeconds(10), () -> steelyard.state() == State.MASTER
            && hasVip(hosts.b))).as("Steelyard (priority 150) holds the VIP").isTrue();
        Thread.sleep(2_000);
        assertThat(hasVip(hosts.a)).as("keepalived accepts Steelyard's adverts; its log: %s",
            log()).isFalse();
        assertThat(steelyard.state()).isEqualTo(State.MASTER);

        steelyard.close();
        assertThat(hasVip(hosts.b)).isFalse();
        assertThat(await(Duration.ofSeconds(3), () -> hasVip(hosts.a)))
            .as("keepalived takes over when Steelyard closes; its log: %s", log()).isTrue();
      } finally {
        steelyard.close();
        if (keepalived != null) {
          stop(keepalived);
        }
      }
    }
  }

  private Process startKeepalived(NetworkNamespace ns, String iface, int priority)
      throws Exception {
    Path conf = dir.resolve("keepalived.conf");
    Files.writeString(conf, """
        global_defs {
          router_id steelyard_test
        }
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
            198.51.100.200/32
          }
        }
        """.formatted(iface, priority));
    ProcessBuilder builder = new ProcessBuilder(ns.prefixed("keepalived", "-n", "-l", "-D",
        "-f", conf.toString(), "--pid=" + dir.resolve("keepalived.pid"),
        "--vrrp_pid=" + dir.resolve("vrrp.pid")));
    builder.redirectErrorStream(true).redirectOutput(dir.resolve("keepalived.log").toFile());
    return builder.start();
  }

  /** SIGTERM, which makes keepalived send priority 0 and remove the VIP; SIGKILL after 10 s. */
  private void stop(Process keepalived) throws Exception {
    keepalived.destroy();
    if (!keepalived.waitFor(10, TimeUnit.SECONDS)) {
      keepalived.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    Path vrrpPid = dir.resolve("vrrp.pid");
    if (Files.exists(vrrpPid)) {
      ProcessHandle.of(Long.parseLong(Files.readString(vrrpPid).strip()))
          .ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  private String log() throws Exception {
    Path log = dir.resolve("keepalived.log");
    return Files.exists(log) ? Files.readString(log) : "(none)";
  }
}
