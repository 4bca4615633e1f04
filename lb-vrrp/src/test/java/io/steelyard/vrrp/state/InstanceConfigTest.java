package io.steelyard.vrrp.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.steelyard.vrrp.packet.Advertisement;
import io.steelyard.vrrp.packet.Version;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InstanceConfigTest {

  static InstanceConfig.Builder vi1() {
    return InstanceConfig.builder("VI_1").virtualRouterId(51).virtualAddress("192.168.200.16");
  }

  @Test
  void hasKeepalivedsDefaults() {
    InstanceConfig config = vi1().build();

    assertThat(config.name()).isEqualTo("VI_1");
    assertThat(config.version()).isEqualTo(Version.V2);
    assertThat(config.priority()).isEqualTo(100);
    assertThat(config.initialState()).isEqualTo(State.BACKUP);
    assertThat(config.advertInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.authenticated()).isFalse();
    assertThat(config.authPass()).isEmpty();
    assertThat(config.preempt()).isTrue();
    assertThat(config.preemptDelay()).isZero();
    assertThat(config.tracks()).isEmpty();
    assertThat(config.warnings()).isEmpty();
    assertThat(config.virtualAddresses()).containsExactly(VirtualAddress.parse("192.168.200.16"));
    assertThat(config.unicast()).isFalse();
    assertThat(config.unicastSource()).isEmpty();
    assertThat(config.unicastPeers()).isEmpty();
  }

  @Test
  void unicastPeersInOrderWithTheirSource() {
    InstanceConfig config = vi1().unicastSource("192.168.200.1")
        .unicastPeer("192.168.200.3").unicastPeer("192.168.200.2").build();

    assertThat(config.unicast()).isTrue();
    assertThat(config.unicastSource()).contains(ip("192.168.200.1"));
    assertThat(config.unicastPeers()).containsExactly(ip("192.168.200.3"), ip("192.168.200.2"));
    assertThat(config.warnings()).isEmpty();
    assertThat(config.newReceiveFilter().check(ByteBuffer.wrap(config.advertisement(150)
        .encodeIpv4(ip("192.168.200.2"), ip("192.168.200.1"))), 0).accepted())
        .as("its filter takes unicast adverts").isTrue();
  }

  @Test
  void aUnicastSourceWithoutPeersFallsBackToMulticastWithAWarning() {
    InstanceConfig config = vi1().unicastSource("192.168.200.1").build();

    assertThat(config.unicast()).isFalse();
    assertThat(config.unicastSource()).contains(ip("192.168.200.1"));
    assertThat(config.warnings()).containsExactly(
        "unicast_src_ip is given without any unicast peer; defaulting to multicast");
  }

  @Test
  void refusesBadOrRepeatedUnicastAddresses() {
    assertThatThrownBy(() -> vi1().unicastPeer("192.168.200.2").unicastPeer("192.168.200.2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("(VI_1) unicast_peer 192.168.200.2 is given twice");
    assertThatThrownBy(() -> vi1().unicastPeer("192.168.200.300"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("(VI_1) unicast_peer must be an IPv4 address such as 192.0.2.1:"
            + " '192.168.200.300'");
    assertThatThrownBy(() -> vi1().unicastPeer("peer.example"))
        .hasMessageContaining("'peer.example'");
    assertThatThrownBy(() -> vi1().unicastPeer("192.168.200.2/24"))
        .hasMessageContaining("'192.168.200.2/24'");
    assertThatThrownBy(() -> vi1().unicastPeer("192.168.200.2 scope link"))
        .hasMessageContaining("'192.168.200.2 scope link'");
    assertThatThrownBy(() -> vi1().unicastPeer("224.0.0.18"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("(VI_1) unicast_peer must be a unicast address: 224.0.0.18");
    assertThatThrownBy(() -> vi1().unicastSource("0.0.0.0"))
        .hasMessage("(VI_1) unicast_src_ip must be a unicast address: 0.0.0.0");
    assertThatThrownBy(() -> vi1().unicastSource("192.168.200.1").unicastSource("192.168.200.4"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("(VI_1) unicast_src_ip was already set to 192.168.200.1");
  }

  @Test
  void derivesPriorityFromStateAndStateFromPriority() {
    assertThat(vi1().state(State.MASTER).build().priority()).isEqualTo(255);
    assertThat(vi1().state(State.BACKUP).build().priority()).isEqualTo(100);
    assertThat(vi1().priority(255).build().initialState()).isEqualTo(State.MASTER);
    assertThat(vi1().priority(254).build().initialState()).isEqualTo(State.BACKUP);
    assertThat(vi1().priority(255).state(State.BACKUP).build().initialState())
        .isEqualTo(State.BACKUP);
    assertThat(vi1().priority(100).state(State.MASTER).build().initialState())
        .isEqualTo(State.MASTER);
  }

  @Test
  void buildsTheDesignVectorsAdvertisements() {
    InstanceConfig v2 = vi1().authPass("secret12").build();
    InstanceConfig v3 = vi1().version(Version.V3).build();
    Inet4Address source = ip("192.168.200.1");

    assertThat(v2.advertisement(100).encode(source, Advertisement.MULTICAST_GROUP))
        .containsExactly(hex(
            "21 33 64 01 01 01 83 92 c0 a8 c8 10 73 65 63 72 65 74 31 32"));
    assertThat(vi1().build().advertisement(0).encode(source, Advertisement.MULTICAST_GROUP))
        .containsExactly(hex(
            "21 33 00 01 00 01 56 11 c0 a8 c8 10 00 00 00 00 00 00 00 00"));
    assertThat(v3.advertisement(100).encode(source, Advertisement.MULTICAST_GROUP))
        .containsExactly(hex("31 33 64 01 00 64 78 74 c0 a8 c8 10"));
    assertThat(v2.newReceiveFilter().expected()).isEqualTo(v2.advertisement(100));
  }

  @Test
  void truncatesALongPasswordToEightBytesWithAWarning() {
    InstanceConfig config = vi1().authPass("secret12345").build();

    assertThat(config.authPass()).containsExactly("secret12".getBytes(StandardCharsets.UTF_8));
    assertThat(config.authenticated()).isTrue();
    assertThat(config.warnings())
        .containsExactly("auth_pass is 11 bytes long; truncating it to 8");
    assertThat(config.advertisement(100).authData())
        .containsExactly("secret12".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void padsAShortPasswordWithZeros() {
    InstanceConfig config = vi1().authPass("abc").build();

    assertThat(config.authPass()).containsExactly('a', 'b', 'c');
    assertThat(config.advertisement(100).authData()).containsExactly('a', 'b', 'c', 0, 0, 0, 0, 0);
    assertThat(config.warnings()).isEmpty();
  }

  @Test
  void dropsAuthenticationWhereKeepalivedDoes() {
    InstanceConfig v3 = vi1().version(Version.V3).authPass("secret").build();
    InstanceConfig empty = vi1().authPass("").build();

    assertThat(v3.authenticated()).isFalse();
    assertThat(v3.warnings()).containsExactly(
        "VRRP version 3 does not support authentication; ignoring auth_pass");
    assertThat(empty.authenticated()).isFalse();
    assertThat(empty.warnings()).containsExactly(
        "authentication specified but the password is empty; ignoring it");
  }

  @Test
  void refusesAVridOutsideOneTo255() {
    assertThatThrownBy(() -> InstanceConfig.builder("VI_1").virtualRouterId(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("(VI_1) virtual_router_id must be 1 to 255: 0");
    assertThatThrownBy(() -> InstanceConfig.builder("VI_1").virtualRouterId(256))
        .hasMessage("(VI_1) virtual_router_id must be 1 to 255: 256");
    assertThatThrownBy(() -> InstanceConfig.builder("VI_1").virtualAddress("10.0.0.1").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("(VI_1) the virtual router id must be set");
  }

  @Test
  void refusesAPriorityOutsideOneTo255() {
    assertThatThrownBy(() -> vi1().priority(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("(VI_1) priority must be 1 to 255: 0");
    assertThatThrownBy(() -> vi1().priority(256))
        .hasMessage("(VI_1) priority must be 1 to 255: 256");
  }

  @Test
  void refusesASetterCalledTwice() {
    assertThatThrownBy(() -> vi1().priority(100).priority(150))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("(VI_1) priority was already set to 100");
    assertThatThrownBy(() -> vi1().virtualRouterId(52))
        .hasMessage("(VI_1) virtual_router_id was already set to 51");
    assertThatThrownBy(() -> vi1().version(Version.V2).version(Version.V3))
        .hasMessage("(VI_1) version was already set to V2");
    assertThatThrownBy(() -> vi1().authPass("a").authPass("b"))
        .hasMessage("(VI_1) auth_pass was already set");
  }

  @Test
  void refusesOtherMistakesNamingThem() {
    assertThatThrownBy(() -> vi1().state(State.FAULT))
        .hasMessage("(VI_1) state must be MASTER or BACKUP: FAULT");
    assertThatThrownBy(() -> vi1().advertInterval(Duration.ofMillis(9)))
        .hasMessage("(VI_1) advert_int must be 10 ms to 255 s: PT0.009S");
    assertThatThrownBy(() -> vi1().advertInterval(Duration.ofSeconds(256)))
        .hasMessage("(VI_1) advert_int must be 10 ms to 255 s: PT4M16S");
    assertThatThrownBy(() -> vi1().preemptDelay(Duration.ofSeconds(1001)))
        .hasMessage("(VI_1) preempt_delay must be 0 to 1000 s: PT16M41S");
    assertThatThrownBy(() -> vi1().virtualAddress("192.168.200.16/24"))
        .hasMessage("(VI_1) virtual address 192.168.200.16 is given twice");
    assertThatThrownBy(() -> vi1().track(Track.of("a", 1)).track(Track.of("a", 2)))
        .hasMessage("(VI_1) track 'a' is given twice");
    assertThatThrownBy(() -> InstanceConfig.builder(""))
        .hasMessage("VRRP instance name must not be empty");
    InstanceConfig.Builder full = InstanceConfig.builder("VI_1").virtualRouterId(1);
    for (int i = 0; i < 255; i++) {
      full.virtualAddress("10.0." + i / 256 + "." + i % 256);
    }
    assertThatThrownBy(() -> full.virtualAddress("10.1.0.0"))
        .hasMessage("(VI_1) at most 255 virtual addresses fit in an advertisement: 10.1.0.0/32");
  }

  @Test
  void roundsIntervalsAsKeepalivedDoes() {
    InstanceConfig v2 = vi1().advertInterval(Duration.ofMillis(1500)).build();
    InstanceConfig v2Small = vi1().advertInterval(Duration.ofMillis(100)).build();
    InstanceConfig v3 = vi1().version(Version.V3).advertInterval(Duration.ofMillis(1234)).build();
    InstanceConfig v3Long = vi1().version(Version.V3).advertInterval(Duration.ofSeconds(41))
        .build();
    InstanceConfig v3Exact = vi1().version(Version.V3).advertInterval(Duration.ofMillis(40950))
        .build();

    assertThat(v2.advertInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(v2.warnings()).containsExactly(
        "VRRPv2 advertisement interval PT1.5S must be whole seconds; rounding to 2 s");
    assertThat(v2Small.advertInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(v3.advertInterval()).isEqualTo(Duration.ofMillis(1230));
    assertThat(v3.warnings()).containsExactly(
        "VRRPv3 advertisement interval PT1.234S must be in units of 10 ms; rounding to 1230 ms");
    assertThat(v3.advertisement(100).advertInterval()).isEqualTo(123);
    assertThat(v3Long.advertInterval()).isEqualTo(Duration.ofMillis(40950));
    assertThat(v3Long.warnings()).containsExactly("VRRPv3 advertisement interval PT41S is out of"
        + " range, it must be under 40.96 s; setting it to 40.95 s");
    assertThat(v3Exact.warnings()).isEmpty();
    assertThat(v3Exact.advertisement(100).advertInterval()).isEqualTo(4095);
  }

  @Test
  void clearsPreemptionSettingsThatCannotWork() {
    InstanceConfig owner = vi1().priority(255).noPreempt().build();
    InstanceConfig master = vi1().state(State.MASTER).priority(100).noPreempt()
        .preemptDelay(Duration.ofSeconds(5)).build();
    InstanceConfig both = vi1().noPreempt().preemptDelay(Duration.ofSeconds(5)).build();
    InstanceConfig delayed = vi1().preemptDelay(Duration.ofSeconds(5)).build();

    assertThat(owner.preempt()).isTrue();
    assertThat(owner.warnings())
        .containsExactly("nopreempt is incompatible with priority 255; resetting nopreempt");
    assertThat(master.preempt()).isTrue();
    assertThat(master.preemptDelay()).isZero();
    assertThat(master.warnings()).containsExactly(
        "nopreempt will not work with initial state MASTER; clearing it",
        "preempt_delay will not work with initial state MASTER; clearing it");
    assertThat(both.preempt()).isFalse();
    assertThat(both.preemptDelay()).isZero();
    assertThat(both.warnings()).containsExactly(
        "preempt_delay is incompatible with nopreempt; resetting preempt_delay");
    assertThat(delayed.preemptDelay()).isEqualTo(Duration.ofSeconds(5));
    assertThat(delayed.warnings()).isEmpty();
  }

  @Test
  void warnsWithoutVirtualAddress() {
    InstanceConfig config = InstanceConfig.builder("VI_1").virtualRouterId(51).build();

    assertThat(config.warnings())
        .containsExactly("no virtual address specified; at least one is sensible");
    assertThat(config.advertisement(100).addresses()).isEmpty();
  }

  @Test
  void keepsAddressesAndTracksInOrder() {
    InstanceConfig config = vi1().virtualAddress("10.0.0.1/24")
        .track(Track.of("b", -10)).track(new Track("a", 0, 2, 3)).build();

    assertThat(config.virtualAddresses()).extracting(VirtualAddress::toString)
        .containsExactly("192.168.200.16/32", "10.0.0.1/24");
    assertThat(config.advertisement(100).addresses())
        .containsExactly(ip("192.168.200.16"), ip("10.0.0.1"));
    assertThat(config.tracks()).extracting(Track::name).containsExactly("b", "a");
    assertThat(config.toString()).isEqualTo("vrrp_instance VI_1 {VRRPv2 vrid 51 priority 100"
        + " state BACKUP advert_int PT1S [192.168.200.16/32, 10.0.0.1/24] track"
        + " [Track[name=b, weight=-10, rise=1, fall=1], Track[name=a, weight=0, rise=2, fall=3]]}");
  }

  @Test
  void parsesVirtualAddressesWithoutLookingThemUp() {
    assertThat(VirtualAddress.parse("10.1.2.3/8"))
        .isEqualTo(new VirtualAddress(ip("10.1.2.3"), 8));
    assertThat(VirtualAddress.parse("0.0.0.0/0").prefixLength()).isZero();
    for (String bad : new String[] {"localhost", "10.1.2", "10.1.2.3.4", "10.1.2.256", "10.1.2.3/33",
        "10.1.2.3/", "10..2.3", "::1", "10.1.2.-3", "10.1.2.3/1/2", "١٠.1.2.3"}) {
      assertThatThrownBy(() -> VirtualAddress.parse(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "'");
    }
    assertThatThrownBy(() -> new VirtualAddress(ip("10.1.2.3"), 33))
        .hasMessage("prefix length must be 0 to 32: 10.1.2.3/33");
  }

  @Test
  void parsesKeepalivedsBroadcastAndScope() {
    VirtualAddress full = VirtualAddress.parse("10.1.2.3/24 brd 10.1.2.255 scope link");

    assertThat(full).isEqualTo(
        new VirtualAddress(ip("10.1.2.3"), 24, Optional.of(ip("10.1.2.255")), 253));
    assertThat(full.toString()).isEqualTo("10.1.2.3/24 brd 10.1.2.255 scope 253");
    assertThat(VirtualAddress.parse(full.toString())).isEqualTo(full);
    assertThat(VirtualAddress.parse("10.1.2.3 scope 200").scope()).isEqualTo(200);
    assertThat(VirtualAddress.parse("10.1.2.3/32").scope()).isEqualTo(VirtualAddress.SCOPE_GLOBAL);
    assertThatThrownBy(() -> VirtualAddress.parse("10.1.2.3 scope galaxy"))
        .hasMessageContaining("'10.1.2.3 scope galaxy'");
    assertThatThrownBy(() -> VirtualAddress.parse("10.1.2.3 brd"))
        .hasMessageEndingWith("'brd' needs a value");
    assertThatThrownBy(() -> VirtualAddress.parse("10.1.2.3 dev eth0"))
        .hasMessageEndingWith("'dev' is not brd or scope, or is given twice");
    assertThatThrownBy(() -> VirtualAddress.parse("10.1.2.3 scope link scope host"))
        .hasMessageEndingWith("'scope' is not brd or scope, or is given twice");
  }

  @Test
  void checksTracks() {
    assertThat(Track.of("x", 5)).isEqualTo(new Track("x", 5, 1, 1));
    assertThatThrownBy(() -> Track.of("x", 254))
        .hasMessage("track 'x': weight must be -253 to 253: 254");
    assertThatThrownBy(() -> Track.of("x", -254))
        .hasMessage("track 'x': weight must be -253 to 253: -254");
    assertThatThrownBy(() -> new Track("x", 0, 0, 1))
        .hasMessage("track 'x': rise must be at least 1: 0");
    assertThatThrownBy(() -> new Track("x", 0, 1, 0))
        .hasMessage("track 'x': fall must be at least 1: 0");
    assertThatThrownBy(() -> Track.of("", 0)).hasMessage("track name must not be empty");
  }

  static Inet4Address ip(String dotted) {
    try {
      return (Inet4Address) InetAddress.getByName(dotted);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static byte[] hex(String hex) {
    String s = hex.replace(" ", "");
    byte[] b = new byte[s.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
  }
}
