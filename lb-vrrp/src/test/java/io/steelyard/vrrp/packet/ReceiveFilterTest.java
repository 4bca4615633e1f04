package io.steelyard.vrrp.packet;

import static io.steelyard.vrrp.packet.Bytes.hex;
import static io.steelyard.vrrp.packet.Bytes.ip;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ReceiveFilterTest {
  static final Inet4Address PEER = ip("192.168.200.2");
  static final Inet4Address VIP = ip("192.168.200.16");
  static final byte[] SECRET = "secret12".getBytes(StandardCharsets.US_ASCII);
  static final long SECOND = 1_000_000_000L;

  final List<String> lines = new ArrayList<>();

  ReceiveFilter filter(Advertisement expected) {
    return new ReceiveFilter("VI_1", expected, false, (reason, line) -> lines.add(reason + " " + line));
  }

  ReceiveFilter unicastFilter(Advertisement expected) {
    return new ReceiveFilter("VI_1", expected, true, (reason, line) -> lines.add(reason + " " + line));
  }

  /** Every reason a multicast filter can give: all but {@link DropReason#NOT_UNICAST}. */
  static Set<DropReason> multicastReasons() {
    return EnumSet.complementOf(EnumSet.of(DropReason.NOT_UNICAST));
  }

  static Advertisement v2Pass(int priority) {
    return Advertisement.v2(51, priority, 1, List.of(VIP), SECRET);
  }

  static Datagram peerV2Pass() {
    return Datagram.of(v2Pass(150), PEER, Advertisement.MULTICAST_GROUP);
  }

  @Test
  void acceptsTheVectorsInTheirDatagrams() {
    Inet4Address source = ip("192.168.200.1");
    String[] vectors = {AdvertisementTest.V2_NO_AUTH, AdvertisementTest.V2_PASS,
        AdvertisementTest.V3, AdvertisementTest.V2_PRIORITY_0};
    Advertisement[] own = {Advertisement.v2(51, 200, 1, List.of(VIP)), v2Pass(200),
        Advertisement.v3(51, 200, 100, List.of(VIP)), Advertisement.v2(51, 200, 1, List.of(VIP))};
    for (int i = 0; i < vectors.length; i++) {
      byte[] header = hex("45 c0 00 00 00 00 00 00 ff 70 00 00 c0 a8 c8 01 e0 00 00 12");
      byte[] vrrp = hex(vectors[i]);
      ByteBuffer datagram = ByteBuffer.allocate(20 + vrrp.length).put(header).put(vrrp);
      datagram.putShort(2, (short) datagram.capacity()).flip();

      Verdict verdict = filter(own[i]).check(datagram, 0);

      assertThat(verdict).isEqualTo(new Verdict.Accepted(
          source, Advertisement.decode(ByteBuffer.wrap(vrrp))));
    }
  }

  /**
   * A fault per check, in the order of the checks. Applying the faults of a check and of every
   * later check to a valid datagram must report that check: the earliest failure wins.
   */
  static Map<DropReason, UnaryOperator<Datagram>> faults() {
    Map<DropReason, UnaryOperator<Datagram>> faults = new LinkedHashMap<>();
    faults.put(DropReason.TOO_SHORT, d -> d.truncate(19));
    faults.put(DropReason.NOT_VRRP, d -> d.set(9, 6));
    faults.put(DropReason.OTHER_VRID, d -> d.set(d.vrrp() + 1, 52));
    faults.put(DropReason.LENGTH, d -> d.append(1));
    faults.put(DropReason.TTL, d -> d.set(8, 64));
    faults.put(DropReason.VERSION, d -> d.truncate(d.bytes().length - 8).addTotalLength(-8)
        .set(d.vrrp(), 0x30 | (d.get(d.vrrp()) & 0xf)));
    faults.put(DropReason.AUTH_TYPE_INVALID, d -> d.set(d.vrrp() + 4, 7));
    faults.put(DropReason.AUTH_TYPE_MISMATCH, d -> d.set(d.vrrp() + 4, 0));
    faults.put(DropReason.AUTH_FAILURE, d -> d.set(d.vrrp() + 8 + 4 * d.count(), 'X'));
    faults.put(DropReason.ADVERT_INTERVAL, d -> d.set(d.vrrp() + 5, 2));
    faults.put(DropReason.TYPE, d -> d.set(d.vrrp(), (d.get(d.vrrp()) & 0xf0) | 2));
    faults.put(DropReason.ADDRESS_COUNT, d -> d.insertAddress(ip("192.168.200.99")));
    faults.put(DropReason.IP_TOTAL_LENGTH, d -> d.addTotalLength(100));
    faults.put(DropReason.CHECKSUM, d -> d.set(d.vrrp() + 6, d.get(d.vrrp() + 6) ^ 0xff));
    faults.put(DropReason.NOT_MULTICAST, d -> d.setInt(16, ip("192.168.200.3")));
    faults.put(DropReason.ADDRESS_MISSING,
        d -> d.setInt(d.vrrp() + 8, ip("192.168.200.17")).fixV2Checksum());
    return faults;
  }

  @Test
  void checksInKeepalivedsOrderReportingTheFirstFailure() {
    Map<DropReason, UnaryOperator<Datagram>> faults = faults();
    assertThat(faults.keySet()).containsExactlyElementsOf(multicastReasons());
    List<DropReason> reasons = new ArrayList<>(faults.keySet());
    ReceiveFilter filter = filter(v2Pass(100));

    assertThat(filter.check(peerV2Pass().buffer(), 0).accepted()).isTrue();
    for (int k = 0; k < reasons.size(); k++) {
      Datagram d = peerV2Pass();
      for (int j = reasons.size() - 1; j >= k; j--) {
        d = faults.get(reasons.get(j)).apply(d);
      }
      assertThat(filter.check(d.buffer(), 0))
          .as("faults from %s on", reasons.get(k))
          .isEqualTo(new Verdict.Dropped(reasons.get(k)));
    }
  }

  @Test
  void eachFaultAloneIsDroppedForItsReason() {
    ReceiveFilter filter = filter(v2Pass(100));
    faults().forEach((reason, fault) ->
        assertThat(filter.check(fault.apply(peerV2Pass()).buffer(), 0))
            .as("%s", reason)
            .isEqualTo(new Verdict.Dropped(reason)));
    for (DropReason reason : multicastReasons()) {
      assertThat(filter.dropped(reason)).as("%s", reason).isEqualTo(1);
    }
    assertThat(filter.accepted()).isZero();
  }

  @Test
  void dropsWhatIsTooShortForTheHeaderItsIhlAnnounces() {
    ReceiveFilter filter = filter(v2Pass(100));
    Datagram withOptions = peerV2Pass().set(0, 0x4f);

    assertThat(filter.check(withOptions.truncate(60).buffer(), 0))
        .isEqualTo(new Verdict.Dropped(DropReason.TOO_SHORT));
    assertThat(filter.check(peerV2Pass().set(0, 0x44).buffer(), 0))
        .isEqualTo(new Verdict.Dropped(DropReason.NOT_VRRP));
    assertThat(filter.check(peerV2Pass().set(0, 0x65).buffer(), 0))
        .isEqualTo(new Verdict.Dropped(DropReason.NOT_VRRP));
    assertThat(filter.check(ByteBuffer.allocate(0), 0))
        .isEqualTo(new Verdict.Dropped(DropReason.TOO_SHORT));
  }

  @Test
  void readsTheVrrpHeaderAfterIpOptions() {
    byte[] plain = peerV2Pass().bytes();
    ByteBuffer withOptions = ByteBuffer.allocate(plain.length + 4);
    withOptions.put(plain, 0, 20).putInt(0x01010101).put(plain, 20, plain.length - 20).flip();
    withOptions.put(0, (byte) 0x46).putShort(2, (short) (plain.length + 4));

    Verdict verdict = filter(v2Pass(100)).check(withOptions, 0);

    assertThat(verdict).isEqualTo(new Verdict.Accepted(PEER, v2Pass(150)));
  }

  @Test
  void comparesAuthenticationWithTheConfiguredType() {
    ReceiveFilter none = filter(Advertisement.v2(51, 100, 1, List.of(VIP)));

    assertThat(none.check(peerV2Pass().buffer(), 0))
        .isEqualTo(new Verdict.Dropped(DropReason.AUTH_TYPE_MISMATCH));
    assertThat(none.check(peerV2Pass().set(20 + 4, Advertisement.AUTH_AH).buffer(), 0))
        .isEqualTo(new Verdict.Dropped(DropReason.AUTH_TYPE_MISMATCH));
    assertThat(none.check(peerV2Pass().set(20 + 4, 3).buffer(), 0))
        .isEqualTo(new Verdict.Dropped(DropReason.AUTH_TYPE_INVALID));
    Datagram unauthenticated = Datagram.of(
        Advertisement.v2(51, 150, 1, List.of(VIP)), PEER, Advertisement.MULTICAST_GROUP);
    assertThat(none.check(unauthenticated.buffer(), 0).accepted()).isTrue();
  }

  @Test
  void comparesTheWholeZeroPaddedPassword() {
    ReceiveFilter filter = filter(Advertisement.v2(51, 100, 1, List.of(VIP), new byte[] {'a'}));
    Advertisement same = Advertisement.v2(51, 150, 1, List.of(VIP), new byte[] {'a'});
    Advertisement longer = Advertisement.v2(51, 150, 1, List.of(VIP), new byte[] {'a', 'b'});

    assertThat(filter.check(ByteBuffer.wrap(
        same.encodeIpv4(PEER, Advertisement.MULTICAST_GROUP)), 0).accepted()).isTrue();
    assertThat(filter.check(ByteBuffer.wrap(
        longer.encodeIpv4(PEER, Advertisement.MULTICAST_GROUP)), 0))
        .isEqualTo(new Verdict.Dropped(DropReason.AUTH_FAILURE));
  }

  @Test
  void vrrpV3LearnsTheIntervalAndChecksThePseudoHeader() {
    ReceiveFilter filter = filter(Advertisement.v3(51, 100, 100, List.of(VIP)));
    Advertisement faster = Advertisement.v3(51, 150, 50, List.of(VIP));
    Inet4Address unicast = ip("192.168.200.1");

    assertThat(filter.check(ByteBuffer.wrap(
        faster.encodeIpv4(PEER, Advertisement.MULTICAST_GROUP)), 0))
        .isEqualTo(new Verdict.Accepted(PEER, faster));
    // The pseudo-header holds the destination: rewriting it breaks the checksum...
    assertThat(filter.check(Datagram.of(faster, PEER, Advertisement.MULTICAST_GROUP)
        .setInt(16, unicast).buffer(), 0))
        .isEqualTo(new Verdict.Dropped(DropReason.CHECKSUM));
    // ...and a checksum made for the unicast destination passes it, to fail the multicast check.
    assertThat(filter.check(ByteBuffer.wrap(faster.encodeIpv4(PEER, unicast)), 0))
        .isEqualTo(new Verdict.Dropped(DropReason.NOT_MULTICAST));
    // A VRRPv2 datagram of the right length for VRRPv2 has the wrong version.
    assertThat(filter.check(peerV2Pass().buffer(), 0))
        .isEqualTo(new Verdict.Dropped(DropReason.VERSION));
  }

  @Test
  void withUnicastPeersTheTtlIsFreeAndTheDestinationMustBeUnicast() {
    Inet4Address self = ip("192.168.200.1");
    ReceiveFilter filter = unicastFilter(v2Pass(100));
    Datagram unicast = Datagram.of(v2Pass(150), PEER, self);

    assertThat(filter.check(unicast.buffer(), 0))
        .isEqualTo(new Verdict.Accepted(PEER, v2Pass(150)));
    assertThat(filter.check(unicast.set(8, 64).buffer(), 0))
        .as("a routed unicast advert").isEqualTo(new Verdict.Accepted(PEER, v2Pass(150)));
    assertThat(filter.check(peerV2Pass().buffer(), 0))
        .isEqualTo(new Verdict.Dropped(DropReason.NOT_UNICAST));
    assertThat(filter.check(Datagram.of(v2Pass(150), ip("192.168.200.9"), self).buffer(), 0)
        .accepted()).as("like keepalived without check_unicast_src, any source may speak").isTrue();
    assertThat(lines).containsExactly("NOT_UNICAST (VI_1) dropped VRRP packet from 192.168.200.2:"
        + " multicast while unicast peers are configured, sent to 224.0.0.18");
  }

  @Test
  void vrrpV3UnicastChecksumsCoverThePeerAddress() {
    Inet4Address self = ip("192.168.200.1");
    ReceiveFilter filter = unicastFilter(Advertisement.v3(51, 100, 100, List.of(VIP)));
    Advertisement peer = Advertisement.v3(51, 150, 100, List.of(VIP));

    assertThat(filter.check(ByteBuffer.wrap(peer.encodeIpv4(PEER, self)), 0))
        .isEqualTo(new Verdict.Accepted(PEER, peer));
    assertThat(filter.check(Datagram.of(peer, PEER, Advertisement.MULTICAST_GROUP)
        .setInt(16, self).buffer(), 0))
        .as("a checksum over the multicast group in the pseudo-header")
        .isEqualTo(new Verdict.Dropped(DropReason.CHECKSUM));
  }

  @Test
  void acceptsTheAddressesInAnyOrder() {
    Inet4Address other = ip("10.0.0.1");
    ReceiveFilter filter = filter(Advertisement.v2(51, 100, 1, List.of(VIP, other)));
    Advertisement reversed = Advertisement.v2(51, 150, 1, List.of(other, VIP));

    assertThat(filter.check(ByteBuffer.wrap(
        reversed.encodeIpv4(PEER, Advertisement.MULTICAST_GROUP)), 0).accepted()).isTrue();
  }

  @Test
  void readsFromThePositionWithoutMovingIt() {
    byte[] datagram = peerV2Pass().bytes();
    byte[] framed = new byte[datagram.length + 10];
    System.arraycopy(datagram, 0, framed, 7, datagram.length);
    ByteBuffer buffer = ByteBuffer.wrap(framed, 7, datagram.length).asReadOnlyBuffer();
    ByteBuffer direct = ByteBuffer.allocateDirect(datagram.length).put(datagram).flip();
    ReceiveFilter filter = filter(v2Pass(100));

    assertThat(filter.check(buffer, 0).accepted()).isTrue();
    assertThat(filter.check(direct, 0).accepted()).isTrue();
    assertThat(buffer.position()).isEqualTo(7);
    assertThat(buffer.limit()).isEqualTo(7 + datagram.length);
    assertThat(direct.position()).isZero();
  }

  @Test
  void countsByReason() {
    ReceiveFilter filter = filter(v2Pass(100));
    for (int i = 0; i < 3; i++) {
      filter.check(peerV2Pass().set(8, 1).buffer(), 0);
    }
    filter.check(peerV2Pass().buffer(), 0);

    assertThat(filter.dropped(DropReason.TTL)).isEqualTo(3);
    assertThat(filter.accepted()).isEqualTo(1);
    assertThat(filter.drops()).hasSize(DropReason.values().length)
        .containsEntry(DropReason.TTL, 3L).containsEntry(DropReason.CHECKSUM, 0L);
    assertThat(filter.drops().keySet()).containsExactly(DropReason.values());
  }

  @Test
  void logsEachReasonAtMostOnceEveryTenSeconds() {
    ReceiveFilter filter = filter(v2Pass(100));
    ByteBuffer badTtl = peerV2Pass().set(8, 64).buffer();
    ByteBuffer badType = peerV2Pass().set(20, 0x22).buffer();

    for (int i = 0; i < 1000; i++) {
      filter.check(badTtl, i * 1_000_000L);
    }
    filter.check(badType, 0);
    filter.check(badTtl, 10 * SECOND - 1);
    filter.check(badTtl, 10 * SECOND);
    filter.check(badTtl, 11 * SECOND);
    filter.check(badTtl, 25 * SECOND);

    assertThat(lines).containsExactly(
        "TTL (VI_1) dropped VRRP packet from 192.168.200.2: TTL is not 255, 64 where 255 is"
            + " expected",
        "TYPE (VI_1) dropped VRRP packet from 192.168.200.2: not an advertisement, 2 where 1 is"
            + " expected",
        "TTL (VI_1) dropped VRRP packet from 192.168.200.2: TTL is not 255, 64 where 255 is"
            + " expected (and 1000 more since the last report)",
        "TTL (VI_1) dropped VRRP packet from 192.168.200.2: TTL is not 255, 64 where 255 is"
            + " expected (and 1 more since the last report)");
    assertThat(filter.dropped(DropReason.TTL)).isEqualTo(1004);
  }

  @Test
  void explainsEachDropInItsLogLine() {
    ReceiveFilter filter = filter(v2Pass(100));
    for (UnaryOperator<Datagram> fault : faults().values()) {
      filter.check(fault.apply(peerV2Pass()).buffer(), 0);
    }

    assertThat(lines).containsExactly(
        "TOO_SHORT (VI_1) dropped VRRP packet from ?: too short, 19 bytes, at least 28 expected",
        "NOT_VRRP (VI_1) dropped VRRP packet from 192.168.200.2: not an IPv4 VRRP packet,"
            + " version and header length 0x45, protocol 6",
        "OTHER_VRID (VI_1) dropped VRRP packet from 192.168.200.2: for another virtual router,"
            + " 52 where 51 is expected",
        "LENGTH (VI_1) dropped VRRP packet from 192.168.200.2: wrong length, 41 bytes, 40"
            + " expected",
        "TTL (VI_1) dropped VRRP packet from 192.168.200.2: TTL is not 255, 64 where 255 is"
            + " expected",
        "VERSION (VI_1) dropped VRRP packet from 192.168.200.2: wrong VRRP version, 3 where 2 is"
            + " expected",
        "AUTH_TYPE_INVALID (VI_1) dropped VRRP packet from 192.168.200.2: invalid authentication"
            + " type, 7 where 1 is expected",
        "AUTH_TYPE_MISMATCH (VI_1) dropped VRRP packet from 192.168.200.2: authentication type"
            + " mismatch, 0 where 1 is expected",
        "AUTH_FAILURE (VI_1) dropped VRRP packet from 192.168.200.2: wrong password",
        "ADVERT_INTERVAL (VI_1) dropped VRRP packet from 192.168.200.2: advertisement interval"
            + " mismatch, 2 where 1 is expected",
        "TYPE (VI_1) dropped VRRP packet from 192.168.200.2: not an advertisement, 2 where 1 is"
            + " expected",
        "ADDRESS_COUNT (VI_1) dropped VRRP packet from 192.168.200.2: wrong address count, 2"
            + " where 1 is expected",
        "IP_TOTAL_LENGTH (VI_1) dropped VRRP packet from 192.168.200.2: IP total length"
            + " mismatch, 140 bytes, 40 expected",
        "CHECKSUM (VI_1) dropped VRRP packet from 192.168.200.2: bad checksum, 0x" + Integer
            .toHexString(peerV2Pass().get(26) << 8 ^ 0xff00 | peerV2Pass().get(27)),
        "NOT_MULTICAST (VI_1) dropped VRRP packet from 192.168.200.2: not multicast, sent to"
            + " 192.168.200.3",
        "ADDRESS_MISSING (VI_1) dropped VRRP packet from 192.168.200.2: virtual address missing,"
            + " 192.168.200.16");
  }
}
