package io.steelyard.vrrp.packet;

import static io.steelyard.vrrp.packet.Bytes.hex;
import static io.steelyard.vrrp.packet.Bytes.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChecksumsTest {

  @Test
  void computesTheRfc1071Example() {
    // RFC 1071 section 3: the sum of 0001 f203 f4f5 f6f7 is ddf2, its complement 220d.
    assertThat(Checksums.internet(hex("00 01 f2 03 f4 f5 f6 f7"), 0, 8)).isEqualTo(0x220d);
  }

  @Test
  void padsAnOddLastByteWithZero() {
    assertThat(Checksums.internet(hex("01 02 03"), 0, 3))
        .isEqualTo(Checksums.internet(hex("01 02 03 00"), 0, 4));
    assertThat(Checksums.internet(hex("ff ff ab"), 1, 1)).isEqualTo(~0xff00 & 0xffff);
  }

  @Test
  void vrrpV2ChecksumCoversTheMessageAndItsPassword() {
    // DESIGN.md vectors with the checksum field zeroed.
    byte[] noAuth = hex("21 33 64 01 00 01 00 00 c0 a8 c8 10 00 00 00 00 00 00 00 00");
    byte[] pass = hex("21 33 64 01 01 01 00 00 c0 a8 c8 10 73 65 63 72 65 74 31 32");

    assertThat(Checksums.internet(noAuth, 0, noAuth.length)).isEqualTo(0xf210);
    assertThat(Checksums.internet(pass, 0, pass.length)).isEqualTo(0x8392);
  }

  @Test
  void vrrpV3ChecksumAddsThePseudoHeader() {
    byte[] message = hex("31 33 64 01 00 64 00 00 c0 a8 c8 10");

    assertThat(Checksums.vrrpV3(ip("192.168.200.1"), ip("224.0.0.18"), message, 0, 12))
        .isEqualTo(0x7874);
    // Without the pseudo-header it would be another value: the addresses count.
    assertThat(Checksums.internet(message, 0, 12)).isNotEqualTo(0x7874);
    assertThat(Checksums.vrrpV3(ip("192.168.200.2"), ip("224.0.0.18"), message, 0, 12))
        .isNotEqualTo(0x7874);
  }

  @Test
  void aMessageWithItsChecksumSumsToZero() {
    byte[] v2 = Advertisement.v2(9, 200, 3, List.of(ip("10.1.2.3"), ip("10.1.2.4")))
        .encode(ip("10.1.2.1"), Advertisement.MULTICAST_GROUP);
    byte[] v3 = Advertisement.v3(9, 200, 35, List.of(ip("10.1.2.3")))
        .encode(ip("10.1.2.1"), Advertisement.MULTICAST_GROUP);

    assertThat(Checksums.internet(v2, 0, v2.length)).isZero();
    assertThat(Checksums.vrrpV3(ip("10.1.2.1"), Advertisement.MULTICAST_GROUP, v3, 0, v3.length))
        .isZero();
  }

  @Test
  void checksBounds() {
    assertThatThrownBy(() -> Checksums.internet(new byte[4], 2, 3))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> Checksums.internet(null, 0, 0))
        .isInstanceOf(NullPointerException.class).hasMessage("data");
  }
}
