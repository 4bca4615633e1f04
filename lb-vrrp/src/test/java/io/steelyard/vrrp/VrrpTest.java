package io.steelyard.vrrp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.steelyard.vrrp.script.ScriptTrack;
import io.steelyard.vrrp.state.State;
import io.steelyard.vrrp.state.Track;
import java.time.Duration;
import java.util.List;
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
  void scriptsAreTrackedByNameAndNotifyScriptsSetOncePerState() {
    Vrrp.Builder vi1 = Vrrp.instance("VI_1").iface("eth0").virtualRouterId(51)
        .trackScript(new ScriptTrack("chk", List.of("true"), Duration.ofSeconds(2),
            Duration.ofSeconds(1), -10, 2, 3))
        .notifyScript(State.MASTER, List.of("/bin/master"))
        .notifyScript(List.of("/bin/notify"));

    assertThat(vi1.config().tracks()).containsExactly(new Track("chk", -10, 2, 3));
    assertThatThrownBy(() -> vi1.trackScript(ScriptTrack.of("chk", List.of("false"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("(VI_1) track 'chk' is given twice");
    assertThatThrownBy(() -> vi1.notifyScript(State.MASTER, List.of("/bin/other")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("(VI_1) notify script for MASTER was already set to [/bin/master]");
    assertThatThrownBy(() -> vi1.notifyScript(State.INITIALIZE, List.of("/bin/other")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> vi1.notifyScript(List.of("/bin/other")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("(VI_1) notify script was already set to [/bin/notify]");
  }

  @Test
  void configChecksWithoutStarting() {
    assertThatThrownBy(() -> Vrrp.instance("VI_1").virtualRouterId(51).config())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("(VI_1) the interface must be set");
    assertThatThrownBy(() -> Vrrp.instance("VI_1").iface("eth0").config())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("(VI_1) the virtual router id must be set");
    assertThat(Vrrp.instance("VI_1").iface("eth0").virtualRouterId(7).config().virtualRouterId())
        .isEqualTo(7);
  }

  @Test
  void itNamesItselfForStartErrors() {
    assertThat(Vrrp.instance("VI_1").iface("eth0")).hasToString("VRRP instance VI_1 on eth0");
  }
}
