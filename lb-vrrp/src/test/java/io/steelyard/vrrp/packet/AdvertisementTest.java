package io.steelyard.vrrp.packet;

import static io.steelyard.vrrp.packet.Bytes.hex;
import static io.steelyard.vrrp.packet.Bytes.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verified vectors of DESIGN.md, byte for byte, and the codec around them. */
class AdvertisementTest {
  static final Inet4Address SOURCE = ip("192.168.200.1");
  static final Inet4Address VIP = ip("192.168.200.16");
  static final byte[] SECRET = "secret12".getBytes(StandardCharsets.US_ASCII);

  static final String V2_NO_AUTH = "21 33 64 01 00 01 f2 10 c0 a8 c8 10 00 00 00 00 00 00 00 00";
  static final String V2_PASS = "21 33 64 01 01 01 83 92 c0 a8 c8 10 73 65 63 72 65 74 31 32";
  static final String V3 = "31 33 64 01 00 64 78 74 c0 a8 c8 10";
  static final String V2_PRIORITY_0 =
      "21 33 00 01 00 01 56 11 c0 a8 c8 10 00 00 00 00 00 00 00 00";

  @Test
  void encodesTheVrrpV2VectorWithoutAuthentication() {
    Advertisement advert = Advertisement.v2(51, 100, 1, List.of(VIP));

    assertThat(hex(advert.encode(SOURCE, Advertisement.MULTICAST_GROUP))).isEqualTo(V2_NO_AUTH);
  }

  @Test
  void encodesTheVrrpV2VectorWithThePassword() {
    Advertisement advert = Advertisement.v2(51, 100, 1, List.of(VIP), SECRET);

    assertThat(hex(advert.encode(SOURCE, Advertisement.MULTICAST_GROUP))).isEqualTo(V2_PASS);
  }

  @Test
  void encodesTheVrrpV3VectorWithThePseudoHeader() {
    Advertisement advert = Advertisement.v3(51, 100, 100, List.of(VIP));

    assertThat(hex(advert.encode(SOURCE, Advertisement.MULTICAST_GROUP))).isEqualTo(V3);
  }

  @Test
  void encodesTheVrrpV2PriorityZeroVector() {
    Advertisement advert = Advertisement.v2(51, 100, 1, List.of(VIP)).withPriority(0);

    assertThat(hex(advert.encode(SOURCE, Advertisement.MULTICAST_GROUP)))
        .isEqualTo(V2_PRIORITY_0);
  }

  @Test
  void decodesTheVectors() {
    Advertisement noAuth = Advertisement.decode(ByteBuffer.wrap(hex(V2_NO_AUTH)));
    assertThat(noAuth.version()).isEqualTo(Version.V2);
    assertThat(noAuth.virtualRouterId()).isEqualTo(51);
    assertThat(noAuth.priority()).isEqualTo(100);
    assertThat(noAuth.advertInterval()).isEqualTo(1);
    assertThat(noAuth.advertIntervalDuration()).isEqualTo(Duration.ofSeconds(1));
    assertThat(noAuth.addresses()).containsExactly(VIP);
    assertThat(noAuth.authType()).isEqualTo(Advertisement.AUTH_NONE);
    assertThat(noAuth.authData()).containsExactly(new byte[8]);
    assertThat(noAuth).isEqualTo(Advertisement.v2(51, 100, 1, List.of(VIP)));

    Advertisement pass = Advertisement.decode(ByteBuffer.wrap(hex(V2_PASS)));
    assertThat(pass.authType()).isEqualTo(Advertisement.AUTH_PASS);
    assertThat(pass.authData()).containsExactly(SECRET);
    assertThat(pass).isEqualTo(Advertisement.v2(51, 100, 1, List.of(VIP), SECRET));

    Advertisement v3 = Advertisement.decode(ByteBuffer.wrap(hex(V3)));
    assertThat(v3.version()).isEqualTo(Version.V3);
    assertThat(v3.advertInterval()).isEqualTo(100);
    assertThat(v3.advertIntervalDuration()).isEqualTo(Duration.ofSeconds(1));
    assertThat(v3.authData()).isEmpty();
    assertThat(v3).isEqualTo(Advertisement.v3(51, 100, 100, List.of(VIP)));

    assertThat(Advertisement.decode(ByteBuffer.wrap(hex(V2_PRIORITY_0))).priority()).isZero();
  }

  @Test
  void roundTripsThroughEncodeAndDecode() {
    List<Advertisement> adverts = List.of(
        Advertisement.v2(1, 255, 255, List.of(VIP, ip("10.0.0.1"), ip("255.255.255.255"))),
        Advertisement.v2(255, 1, 3, List.of(), "a".getBytes(StandardCharsets.US_ASCII)),
        Advertisement.v3(7, 0, 4095, List.of(ip("0.0.0.0"), VIP)),
        Advertisement.v3(7, 150, 1, Collections.nCopies(255, VIP)));
    for (Advertisement advert : adverts) {
      byte[] bytes = advert.encode(SOURCE, Advertisement.MULTICAST_GROUP);
      assertThat(bytes).hasSize(advert.length());
      assertThat(Advertisement.decode(ByteBuffer.wrap(bytes))).isEqualTo(advert)
          .hasSameHashCodeAs(advert);
    }
  }

  @Test
  void decodesFromThePositionWithoutMovingIt() {
    byte[] framed = hex("ff ff ff " + V3 + " ee");
    ByteBuffer buffer = ByteBuffer.wrap(framed, 3, 12);

    assertThat(Advertisement.decode(buffer).priority()).isEqualTo(100);
    assertThat(buffer.position()).isEqualTo(3);
    assertThat(buffer.limit()).isEqualTo(15);
  }

  @Test
  void ignoresTheReservedBitsOfTheVrrpV3Interval() {
    byte[] bytes = hex(V3);
    bytes[4] = (byte) 0xf0;

    assertThat(Advertisement.decode(ByteBuffer.wrap(bytes)).advertInterval()).isEqualTo(100);
  }

  @Test
  void encodesTheIpv4DatagramAsKeepalivedDoes() {
    Advertisement advert = Advertisement.v2(51, 100, 1, List.of(VIP), SECRET);

    byte[] datagram = advert.encodeIpv4(SOURCE, Advertisement.MULTICAST_GROUP);

    // version 4, IHL 5, TOS 0xc0, total length 40, id 0, no fragment flags, TTL 255, proto 112,
    // header checksum, 192.168.200.1 -> 224.0.0.18; then the VRRP message.
    assertThat(hex(datagram)).isEqualTo(
        "45 c0 00 28 00 00 00 00 ff 70 51 e9 c0 a8 c8 01 e0 00 00 12 " + V2_PASS);
    assertThat(Checksums.internet(datagram, 0, 20)).isZero();
  }

  @Test
  void refusesMalformedMessages() {
    assertThatThrownBy(() -> Advertisement.decode(ByteBuffer.wrap(hex("21 33 64 01 00 01 f2"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too short: 7 bytes");
    assertThatThrownBy(() -> Advertisement.decode(ByteBuffer.wrap(hex(
        "41 33 64 01 00 01 f2 10 c0 a8 c8 10 00 00 00 00 00 00 00 00"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version")
        .hasMessageContaining(": 4");
    assertThatThrownBy(() -> Advertisement.decode(ByteBuffer.wrap(hex(
        "22 33 64 01 00 01 f2 10 c0 a8 c8 10 00 00 00 00 00 00 00 00"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("type")
        .hasMessageContaining(": 2");
    assertThatThrownBy(() -> Advertisement.decode(ByteBuffer.wrap(hex(V3 + " 00"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be 12 bytes: 13");
  }

  @Test
  void refusesValuesOutOfRangeNamingThem() {
    assertThatThrownBy(() -> Advertisement.v2(0, 100, 1, List.of(VIP)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("VRID must be 1 to 255: 0");
    assertThatThrownBy(() -> Advertisement.v3(256, 100, 100, List.of(VIP)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("VRID must be 1 to 255: 256");
    assertThatThrownBy(() -> Advertisement.v2(1, 256, 1, List.of(VIP)))
        .hasMessage("VRRP priority must be 0 to 255: 256");
    assertThatThrownBy(() -> Advertisement.v2(1, 100, 1, List.of(VIP)).withPriority(-1))
        .hasMessage("VRRP priority must be 0 to 255: -1");
    assertThatThrownBy(() -> Advertisement.v2(1, 100, 0, List.of(VIP)))
        .hasMessage("VRRPv2 advert interval must be 1 to 255 seconds: 0");
    assertThatThrownBy(() -> Advertisement.v3(1, 100, 4096, List.of(VIP)))
        .hasMessage("VRRPv3 advert interval must be 1 to 4095 centiseconds: 4096");
    assertThatThrownBy(() -> Advertisement.v2(1, 100, 1, List.of(VIP), new byte[9]))
        .hasMessage("VRRP password must be 1 to 8 bytes: 9 bytes");
    assertThatThrownBy(() -> Advertisement.v2(1, 100, 1, List.of(VIP), new byte[0]))
        .hasMessage("VRRP password must be 1 to 8 bytes: 0 bytes");
    assertThatThrownBy(() -> Advertisement.v3(1, 100, 100, Collections.nCopies(256, VIP)))
        .hasMessage("an advertisement carries at most 255 addresses: 256");
    assertThatThrownBy(() -> Advertisement.v3(1, 100, 100, null))
        .isInstanceOf(NullPointerException.class).hasMessage("addresses");
  }

  @Test
  void describesItself() {
    assertThat(Advertisement.v2(51, 100, 1, List.of(VIP), SECRET))
        .hasToString("VRRPv2 vrid 51 priority 100 interval 1s [192.168.200.16] auth PASS");
    assertThat(Advertisement.v3(51, 100, 100, List.of(VIP, ip("10.0.0.1"))))
        .hasToString("VRRPv3 vrid 51 priority 100 interval 100cs [192.168.200.16, 10.0.0.1]");
  }

  @Test
  void neverSharesItsAuthenticationData() {
    Advertisement advert = Advertisement.v2(51, 100, 1, List.of(VIP), SECRET);
    advert.authData()[0] = 0;

    assertThat(advert.authData()).containsExactly(SECRET);
  }

  @Test
  void knowsVersionsByNumber() {
    assertThat(Version.of(2)).isEqualTo(Version.V2);
    assertThat(Version.of(3).number()).isEqualTo(3);
    assertThatThrownBy(() -> Version.of(1)).hasMessage("VRRP version must be 2 or 3: 1");
  }
}
