package io.steelyard.vrrp.linux;

import io.steelyard.lb.testing.InNamespace;
import static io.steelyard.vrrp.linux.TwoHosts.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.steelyard.lb.testing.NetworkNamespace;
import io.steelyard.lb.testing.Privileged;
import io.steelyard.vrrp.packet.Version;
import io.steelyard.vrrp.state.InstanceConfig;
import io.steelyard.vrrp.state.State;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gratuitous ARPs on the wire, captured by tcpdump on a neighbour: on becoming master, Steelyard
 * sends keepalived 2.2.7's defaults, 5 for the address ({@code garp_master_repeat}) back to back
 * ({@code garp_interval} 0), then 5 more after 5 seconds ({@code garp_master_delay}); keepalived,
 * in the same place, sends the same.
 */
@Privileged(tools = {"ip", "tcpdump", "keepalived"})
class GratuitousArpTest {
  @TempDir Path dir;

  @Test
  void steelyardSendsFiveAndFiveMoreFiveSecondsLater() throws Exception {
    try (BridgedLan lan = BridgedLan.create(2); Capture capture = Capture.start(lan.host(1))) {
      InstanceConfig config = Instances.steelyard(Version.V3, 150).build();
      VrrpInstance master =
          InNamespace.call(lan.host(0), () -> VrrpInstance.start(config, BridgedLan.IFACE));
      try {
        assertThat(await(Duration.ofSeconds(5), () -> master.state() == State.MASTER)).isTrue();
        assertFiveAndFive(capture);
      } finally {
        master.close();
      }
    }
  }

  @Test
  void keepalivedSendsTheSame() throws Exception {
    try (BridgedLan lan = BridgedLan.create(2); Capture capture = Capture.start(lan.host(1));
        Keepalived keepalived = Keepalived.start(lan.host(0), dir,
            Instances.keepalived(BridgedLan.IFACE, Version.V3, 150, ""))) {
      assertThat(await(Duration.ofSeconds(5), () -> TwoHosts.hasVip(lan.host(0))))
          .as("keepalived's log: %s", keepalived.log()).isTrue();
      assertFiveAndFive(capture);
    }
  }

  private static void assertFiveAndFive(Capture capture) throws Exception {
    assertThat(await(Duration.ofSeconds(8), () -> capture.times().size() >= 10))
        .as("10 gratuitous ARPs: %s", capture.output).isTrue();
    Thread.sleep(1_000);
    List<Double> times = capture.times();
    assertThat(times).as("no more than 10").hasSize(10);
    assertThat(times.get(4) - times.get(0)).as("the first five back to back").isLessThan(0.5);
    assertThat(times.get(9) - times.get(5)).as("the second five back to back").isLessThan(0.5);
    assertThat(times.get(5) - times.get(4)).as("the second five 5 s after the first")
        .isBetween(4.5, 6.0);
  }

  /**
   * tcpdump on a host's {@link BridgedLan#IFACE}, keeping the time of every gratuitous ARP for
   * {@link TwoHosts#VIP}: a request for the VIP that the VIP itself asks.
   */
  private static final class Capture implements AutoCloseable {
    private final Process process;
    private final List<Double> times = new CopyOnWriteArrayList<>();
    private final List<String> output = new CopyOnWriteArrayList<>();

    private Capture(Process process) {
      this.process = process;
      Thread reader = new Thread(this::read, "tcpdump-output");
      reader.setDaemon(true);
      reader.start();
    }

    static Capture start(NetworkNamespace ns) throws Exception {
      Process process = new ProcessBuilder(ns.prefixed("tcpdump", "-i", BridgedLan.IFACE, "-n",
          "-l", "-tt", "arp")).redirectErrorStream(true).start();
      Capture capture = new Capture(process);
      if (!await(Duration.ofSeconds(10),
          () -> capture.output.stream().anyMatch(l -> l.contains("listening on")))) {
        capture.close();
        throw new IllegalStateException("tcpdump did not start: " + capture.output);
      }
      return capture;
    }

    List<Double> times() {
      return new ArrayList<>(times);
    }

    private void read() {
      // The target hardware address may follow the asked address: "(Broadcast)", "(ff:ff:...)".
      String vip = TwoHosts.VIP.replace(".", "\\.");
      Pattern gratuitous =
          Pattern.compile("Request who-has " + vip + " (\\(\\S+\\) )?tell " + vip + ",");
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          output.add(line);
          if (gratuitous.matcher(line).find()) {
            times.add(Double.parseDouble(line.substring(0, line.indexOf(' '))));
          }
        }
      } catch (Exception e) {
        output.add("(output lost: " + e + ")");
      }
    }

    @Override
    public void close() throws Exception {
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }
}
