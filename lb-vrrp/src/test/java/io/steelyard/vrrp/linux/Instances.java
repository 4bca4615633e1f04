package io.steelyard.vrrp.linux;

import io.steelyard.vrrp.packet.Version;
import io.steelyard.vrrp.state.InstanceConfig;
import java.time.Duration;

/**
 * The instance the namespace tests run, Steelyard's and keepalived's alike: {@code VI_1} of
 * virtual router 51 for {@link TwoHosts#VIP}; in VRRPv2 with a one-second interval and the
 * password {@value #PASS}, in VRRPv3 with a 100 ms interval.
 */
final class Instances {
  static final String PASS = "secret12";

  private Instances() {}

  /** Steelyard's configuration, to complete and build. */
  static InstanceConfig.Builder steelyard(Version version, int priority) {
    InstanceConfig.Builder builder = InstanceConfig.builder("VI_1")
        .version(version)
        .virtualRouterId(51)
        .priority(priority)
        .virtualAddress(TwoHosts.VIP + "/32");
    return version == Version.V3
        ? builder.advertInterval(Duration.ofMillis(100))
        : builder.advertInterval(Duration.ofSeconds(1)).authPass(PASS);
  }

  /** keepalived's configuration, with {@code extra} lines in the instance block. */
  static String keepalived(String iface, Version version, int priority, String extra) {
    return version == Version.V3
        ? Keepalived.config(iface, priority, 3, "0.1", extra)
        : Keepalived.config(iface, priority, 2, "1", Keepalived.auth(PASS) + extra);
  }

  /** The longest Master_Down_Interval of these instances, with room to spare. */
  static Duration masterDown(Version version) {
    return version == Version.V3 ? Duration.ofMillis(600) : Duration.ofMillis(3_600);
  }
}
