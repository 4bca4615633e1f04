package io.steelyard.vrrp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The facade's own checks; running instances are tested in {@code linux}. */
class VrrpTest {

  @Test
  void settingsFailAtOnceAsInstanceConfigsDo() {
    Vrrp.Builder vi1 = Vrrp.instance("VI_1").iface("eth0").virtualRouterId(51);

    assertThatThrownBy(() -> vi1.iface("eth1"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("(VI_1) interface was already set to eth0");
    assertThatThrownBy(() -> vi1.virtualRouterId(52))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("virtual_router_id was already set to 51");
    assertThatThrownBy(() -> vi1.priority(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("priority must be 1 to 255: 0");
    assertThatThrownBy(() -> vi1.balancerWeight(254))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("weight must be -253 to 253: 254");
  }

  @Test
  void anInstanceWithoutAnInterfaceDoesNotStart() {
    assertThatThrownBy(() -> Vrrp.instance("VI_1").virtualRouterId(51).startStandalone())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("(VI_1) the interface must be set");
  }

  @Test
  void itNamesItselfForStartErrors() {
    assertThat(Vrrp.instance("VI_1").iface("eth0")).hasToString("VRRP instance VI_1 on eth0");
  }
}
