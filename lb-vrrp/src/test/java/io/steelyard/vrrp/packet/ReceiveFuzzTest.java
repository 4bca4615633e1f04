package io.steelyard.vrrp.packet;

import static io.steelyard.vrrp.packet.Bytes.ip;
import static org.assertj.core.api.Assertions.assertThat;

import io.steelyard.vrrp.state.InstanceConfig;
import io.steelyard.vrrp.state.State;
import io.steelyard.vrrp.state.VrrpMachine;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Over a million random and mutated datagrams through the receive path, filter then state
 * machine: nothing throws, the buffer never moves, and whatever the filter accepts really is an
 * advertisement for its instance.
 */
class ReceiveFuzzTest {
  static final int PACKETS = 1_200_000;
  static final Inet4Address PEER = ip("192.168.200.2");
  static final byte[] SECRET = "secret12".getBytes(StandardCharsets.US_ASCII);

  final Random random = new Random(0x5eedf00dL);

  @Test
  void neverThrowsOutOfTheReceivePath() {
    List<InstanceConfig> configs = List.of(
        InstanceConfig.builder("v2").virtualRouterId(51).virtualAddress("192.168.200.16")
            .build(),
        InstanceConfig.builder("v2-pass").virtualRouterId(51).authPass("secret12")
            .virtualAddress("192.168.200.16").virtualAddress("192.168.200.17").build(),
        InstanceConfig.builder("v3").version(Version.V3).virtualRouterId(51)
            .advertInterval(Duration.ofMillis(500)).virtualAddress("192.168.200.16").build(),
        InstanceConfig.builder("v2-unicast").virtualRouterId(51).virtualAddress("192.168.200.16")
            .unicastPeer("192.168.200.2").build());
    List<Advertisement> own = new ArrayList<>();
    List<ReceiveFilter> filters = new ArrayList<>();
    List<VrrpMachine> machines = new ArrayList<>();
    for (InstanceConfig config : configs) {
      own.add(config.advertisement(config.priority()));
      filters.add(new ReceiveFilter(config.name(), own.get(own.size() - 1), config.unicast(),
          (r, line) -> { }));
      VrrpMachine machine = VrrpMachine.create(config, ip("192.168.200.1"));
      machine.start(0);
      machines.add(machine);
    }
    Set<DropReason> seen = EnumSet.noneOf(DropReason.class);
    List<String> problems = new ArrayList<>();
    long accepted = 0;

    for (int i = 0; i < PACKETS; i++) {
      int which = random.nextInt(own.size());
      Advertisement expected = own.get(which);
      byte[] packet = packet(expected);
      int offset = random.nextInt(4);
      byte[] framed = new byte[offset + packet.length + random.nextInt(4)];
      System.arraycopy(packet, 0, framed, offset, packet.length);
      ByteBuffer buffer = ByteBuffer.wrap(framed, offset, packet.length);
      long now = i * 1_000_000L;

      Verdict verdict = filters.get(which).check(buffer, now);

      if (buffer.position() != offset || buffer.limit() != offset + packet.length) {
        problems.add("moved the buffer: " + Bytes.hex(packet));
      }
      if (verdict instanceof Verdict.Accepted a) {
        accepted++;
        if (!matches(expected, a.advertisement())) {
          problems.add("accepted " + a + " expecting " + expected);
        }
        VrrpMachine machine = machines.get(which);
        machine.advertReceived(now, a.source(), a.advertisement());
        machine.nextDeadline().ifPresent(deadline -> {
          if (deadline - now <= 0) {
            machine.tick(now);
          }
        });
      } else {
        seen.add(((Verdict.Dropped) verdict).reason());
      }
      decodeQuietly(framed, offset, packet.length);
    }

    assertThat(problems).isEmpty();
    long dropped = 0;
    long acceptedByFilters = 0;
    for (ReceiveFilter filter : filters) {
      dropped += filter.drops().values().stream().mapToLong(Long::longValue).sum();
      acceptedByFilters += filter.accepted();
    }
    assertThat(acceptedByFilters).isEqualTo(accepted).isPositive();
    assertThat(accepted + dropped).isEqualTo(PACKETS);
    assertThat(seen).containsExactlyInAnyOrder(DropReason.values());
    assertThat(machines).allSatisfy(m -> assertThat(m.state()).isIn(State.BACKUP, State.MASTER));
  }

  /** Everything the filter promises about an accepted advertisement. */
  private static boolean matches(Advertisement expected, Advertisement got) {
    boolean same = got.version() == expected.version()
        && got.virtualRouterId() == expected.virtualRouterId()
        && new HashSet<>(got.addresses()).equals(new HashSet<>(expected.addresses()))
        && got.addresses().size() == expected.addresses().size();
    if (expected.version() == Version.V2) {
      same &= got.advertInterval() == expected.advertInterval()
          && got.authType() == expected.authType()
          && (got.authType() != Advertisement.AUTH_PASS
              || Arrays.equals(got.authData(), expected.authData()));
    }
    return same;
  }

  /** The VRRP part alone through the lenient decoder: an advertisement or IllegalArgumentException. */
  private static void decodeQuietly(byte[] framed, int offset, int length) {
    if (length < 20 || (framed[offset] & 0xf) * 4 > length) {
      return;
    }
    int ihl = (framed[offset] & 0xf) * 4;
    try {
      Advertisement.decode(ByteBuffer.wrap(framed, offset + ihl, length - ihl));
    } catch (IllegalArgumentException malformed) {
      // the one way decode may refuse its input
    }
  }

  private byte[] packet(Advertisement own) {
    int kind = random.nextInt(10);
    if (kind == 0) {
      byte[] noise = new byte[random.nextInt(80)];
      random.nextBytes(noise);
      return noise;
    }
    if (kind <= 3) {
      return plausible(own);
    }
    return mutate(own.withPriority(random.nextInt(256))
        .encodeIpv4(PEER, Advertisement.MULTICAST_GROUP));
  }

  /** Well-formed and correctly summed, with random values: reaches the late checks. */
  private byte[] plausible(Advertisement own) {
    List<Inet4Address> addresses = new ArrayList<>(own.addresses());
    if (random.nextInt(4) == 0) {
      addresses.add(ip("10.0.0." + random.nextInt(256)));
    }
    if (random.nextInt(4) == 0) {
      addresses.set(0, ip("10.0.1." + random.nextInt(256)));
    }
    int vrid = random.nextInt(8) == 0 ? 1 + random.nextInt(255) : own.virtualRouterId();
    int priority = random.nextInt(256);
    Advertisement advert;
    int version = random.nextInt(3);
    if (version == 0) {
      advert = Advertisement.v3(vrid, priority, 1 + random.nextInt(4095), addresses);
    } else if (version == 1) {
      advert = Advertisement.v2(vrid, priority, random.nextInt(4) == 0 ? 2 : 1, addresses);
    } else {
      byte[] password = random.nextInt(4) == 0
          ? "wrong".getBytes(StandardCharsets.US_ASCII) : SECRET;
      advert = Advertisement.v2(vrid, priority, 1, addresses, password);
    }
    Inet4Address destination =
        random.nextInt(8) == 0 ? ip("192.168.200.1") : Advertisement.MULTICAST_GROUP;
    byte[] bytes = advert.encodeIpv4(PEER, destination);
    ByteBuffer b = ByteBuffer.wrap(bytes);
    if (random.nextInt(8) == 0) {
      bytes[8] = (byte) random.nextInt(256);
    }
    if (random.nextInt(8) == 0) {
      bytes[20] = (byte) (bytes[20] & 0xf0 | random.nextInt(16));
    }
    if (random.nextInt(8) == 0 && advert.version() == Version.V2) {
      bytes[24] = (byte) random.nextInt(4);
    }
    if (random.nextInt(16) == 0) {
      b.putShort(2, (short) random.nextInt(65536));
    }
    if (advert.version() == Version.V2) {
      b.putShort(26, (short) 0);
      b.putShort(26, (short) Checksums.internet(bytes, 20, bytes.length - 20));
    }
    return bytes;
  }

  private byte[] mutate(byte[] packet) {
    byte[] bytes = packet;
    int mutations = 1 + random.nextInt(4);
    for (int m = 0; m < mutations; m++) {
      int kind = random.nextInt(7);
      if (kind == 2) {
        bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
      } else if (kind == 3) {
        bytes = Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(16));
      } else if (bytes.length > 23) {
        switch (kind) {
          case 0:
            bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
            break;
          case 1:
            bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            break;
          case 4:
            bytes[0] = (byte) (0x40 | random.nextInt(16));
            break;
          case 5:
            bytes[23] = (byte) random.nextInt(256);
            break;
          default:
            ByteBuffer.wrap(bytes).putShort(2, (short) random.nextInt(65536));
            break;
        }
      }
    }
    return bytes;
  }
}
