package io.steelyard.vrrp.packet;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates received packets for one VRRP instance, in keepalived 2.2.7's order, and counts and
 * logs what it drops.
 *
 * <p>The filter is made from the instance's own advertisement ({@link #of}): a peer's
 * advertisement must match it in everything but the priority (and, in VRRPv3, the interval, which
 * backups learn from the master). It takes the whole IPv4 datagram, as a raw socket of protocol
 * 112 returns it, and checks, dropping the packet at the first failure:
 *
 * <ol>
 *   <li>an IPv4 header and the 8-byte VRRP header are there ({@link DropReason#TOO_SHORT}), and it
 *       is IPv4 protocol 112 ({@link DropReason#NOT_VRRP}, which the socket guarantees);
 *   <li>the VRID is this instance's ({@link DropReason#OTHER_VRID});
 *   <li>the length is exactly what the address count (and the version in the packet) announce
 *       ({@link DropReason#LENGTH});
 *   <li>TTL 255 ({@link DropReason#TTL}; multicast only), then the version ({@link
 *       DropReason#VERSION});
 *   <li>VRRPv2 only: a known authentication type ({@link DropReason#AUTH_TYPE_INVALID}), the
 *       configured one ({@link DropReason#AUTH_TYPE_MISMATCH}), the password, compared in constant
 *       time ({@link DropReason#AUTH_FAILURE}), and the configured advertisement interval ({@link
 *       DropReason#ADVERT_INTERVAL});
 *   <li>type ADVERTISEMENT ({@link DropReason#TYPE}), the configured number of addresses ({@link
 *       DropReason#ADDRESS_COUNT}), an IP total length equal to the bytes received ({@link
 *       DropReason#IP_TOTAL_LENGTH});
 *   <li>the checksum ({@link DropReason#CHECKSUM}; VRRPv3 with the packet's own destination in
 *       the pseudo-header, the peer's address in unicast), a multicast destination ({@link
 *       DropReason#NOT_MULTICAST}) or, with unicast peers, a unicast one ({@link
 *       DropReason#NOT_UNICAST}), and every configured virtual address among those carried
 *       ({@link DropReason#ADDRESS_MISSING}).
 * </ol>
 *
 * <p>One difference with keepalived, invisible on Linux: keepalived reads the password at the end
 * of the datagram as the IP total length gives it, this filter reads it after the addresses. The
 * two places are the same unless the total length is wrong, and Linux hands raw sockets datagrams
 * whose total length is right.
 *
 * <p>{@link #check} never throws for any content of the buffer. Each drop is counted ({@link
 * #dropped}) and logged through slf4j at info level ({@link DropReason#OTHER_VRID}: debug), at
 * most one line per reason every ten seconds, that line telling how many drops were not logged.
 * Call {@code check} from one thread at a time; the counters may be read from any thread.
 */
public final class ReceiveFilter {
  private static final Logger LOG = LoggerFactory.getLogger(ReceiveFilter.class);
  private static final DropReason[] REASONS = DropReason.values();
  private static final Verdict.Dropped[] DROPPED = new Verdict.Dropped[REASONS.length];

  static {
    for (DropReason reason : REASONS) {
      DROPPED[reason.ordinal()] = new Verdict.Dropped(reason);
    }
  }

  private final String instance;
  private final Advertisement expected;
  private final int version;
  private final int virtualRouterId;
  private final int authType;
  private final byte[] authData;
  private final int advertInterval;
  private final int[] addresses;
  private final boolean unicast;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLongArray drops = new AtomicLongArray(REASONS.length);
  private final DropLog log;

  ReceiveFilter(String instance, Advertisement expected, boolean unicast, DropLog.Sink sink) {
    this.instance = requireNonNull(instance, "instance");
    this.expected = requireNonNull(expected, "expected");
    this.version = expected.version().number();
    this.virtualRouterId = expected.virtualRouterId();
    this.authType = expected.authType();
    this.authData = expected.authData();
    this.advertInterval = expected.advertInterval();
    this.addresses = expected.addresses().stream().mapToInt(Ipv4::toInt).toArray();
    this.unicast = unicast;
    this.log = new DropLog(sink);
  }

  /**
   * A filter for the instance named {@code instance} (the name only goes into log lines) whose
   * own advertisement is {@code expected}; its priority does not matter.
   */
  public static ReceiveFilter of(String instance, Advertisement expected) {
    return create(instance, expected, false);
  }

  /**
   * A filter like {@link #of} for an instance with unicast peers (keepalived's {@code
   * unicast_peer}): the TTL is not checked, since a unicast advert may be routed, and the
   * destination must be a unicast address. As in keepalived (without {@code check_unicast_src}),
   * the source need not be one of the peers: any router of the virtual router may speak.
   */
  public static ReceiveFilter ofUnicast(String instance, Advertisement expected) {
    return create(instance, expected, true);
  }

  private static ReceiveFilter create(String instance, Advertisement expected, boolean unicast) {
    return new ReceiveFilter(instance, expected, unicast, (reason, line) -> {
      if (reason == DropReason.OTHER_VRID) {
        LOG.debug(line);
      } else {
        LOG.info(line);
      }
    });
  }

  /** The advertisement this filter compares received ones with. */
  public Advertisement expected() {
    return expected;
  }

  /**
   * Checks the IPv4 datagram from the buffer's position to its limit; the position does not move.
   *
   * @param packet the whole datagram, IP header included
   * @param nanoTime the current time on the {@link System#nanoTime} scale, for the log's rate
   * @return {@link Verdict.Accepted} or {@link Verdict.Dropped}; never throws for any content
   */
  public Verdict check(ByteBuffer packet, long nanoTime) {
    requireNonNull(packet, "packet");
    final int p = packet.position();
    final int len = packet.remaining();
    if (len < Advertisement.IPV4_HEADER_LENGTH) {
      return drop(DropReason.TOO_SHORT, nanoTime, packet, len, Advertisement.IPV4_HEADER_LENGTH
          + Advertisement.HEADER_LENGTH);
    }
    int ihl = (packet.get(p) & 0xf) * 4;
    int protocol = packet.get(p + 9) & 0xff;
    if ((packet.get(p) & 0xf0) != 0x40 || ihl < Advertisement.IPV4_HEADER_LENGTH
        || protocol != Advertisement.IP_PROTOCOL) {
      return drop(DropReason.NOT_VRRP, nanoTime, packet, packet.get(p) & 0xff, protocol);
    }
    if (len < ihl + Advertisement.HEADER_LENGTH) {
      return drop(DropReason.TOO_SHORT, nanoTime, packet, len, ihl + Advertisement.HEADER_LENGTH);
    }
    final int h = p + ihl;
    int vrid = packet.get(h + 1) & 0xff;
    if (vrid != virtualRouterId) {
      return drop(DropReason.OTHER_VRID, nanoTime, packet, vrid, virtualRouterId);
    }
    int packetVersion = (packet.get(h) & 0xff) >>> 4;
    int count = packet.get(h + 3) & 0xff;
    int vrrpLength = Advertisement.HEADER_LENGTH + 4 * count
        + (packetVersion == 2 ? Advertisement.AUTH_DATA_LENGTH : 0);
    if (len != ihl + vrrpLength) {
      return drop(DropReason.LENGTH, nanoTime, packet, len, ihl + vrrpLength);
    }
    int ttl = packet.get(p + 8) & 0xff;
    if (!unicast && ttl != Advertisement.TTL) {
      return drop(DropReason.TTL, nanoTime, packet, ttl, Advertisement.TTL);
    }
    if (packetVersion != version) {
      return drop(DropReason.VERSION, nanoTime, packet, packetVersion, version);
    }
    if (version == 2) {
      int packetAuthType = packet.get(h + 4) & 0xff;
      if (packetAuthType > Advertisement.AUTH_AH) {
        return drop(DropReason.AUTH_TYPE_INVALID, nanoTime, packet, packetAuthType, authType);
      }
      if (packetAuthType != authType) {
        return drop(DropReason.AUTH_TYPE_MISMATCH, nanoTime, packet, packetAuthType, authType);
      }
      if (authType == Advertisement.AUTH_PASS) {
        int at = h + Advertisement.HEADER_LENGTH + 4 * count;
        int diff = 0;
        for (int i = 0; i < Advertisement.AUTH_DATA_LENGTH; i++) {
          diff |= packet.get(at + i) ^ authData[i];
        }
        if (diff != 0) {
          return drop(DropReason.AUTH_FAILURE, nanoTime, packet, 0, 0);
        }
      }
      int interval = packet.get(h + 5) & 0xff;
      if (interval != advertInterval) {
        return drop(DropReason.ADVERT_INTERVAL, nanoTime, packet, interval, advertInterval);
      }
    }
    int type = packet.get(h) & 0xf;
    if (type != Advertisement.TYPE_ADVERTISEMENT) {
      return drop(DropReason.TYPE, nanoTime, packet, type, Advertisement.TYPE_ADVERTISEMENT);
    }
    if (count != addresses.length) {
      return drop(DropReason.ADDRESS_COUNT, nanoTime, packet, count, addresses.length);
    }
    int totalLength = packet.getShort(p + 2) & 0xffff;
    if (totalLength != len) {
      return drop(DropReason.IP_TOTAL_LENGTH, nanoTime, packet, totalLength, len);
    }
    int source = packet.getInt(p + 12);
    int destination = packet.getInt(p + 16);
    int initial = version == 2 ? 0 : Checksums.pseudoHeaderSum(source, destination, vrrpLength);
    if (Checksums.sum(packet, h, vrrpLength, initial) != 0xffff) {
      return drop(DropReason.CHECKSUM, nanoTime, packet, packet.getShort(h + 6) & 0xffff, 0);
    }
    if (Ipv4.isMulticast(destination) == unicast) {
      return drop(unicast ? DropReason.NOT_UNICAST : DropReason.NOT_MULTICAST, nanoTime, packet,
          destination, 0);
    }
    for (int address : addresses) {
      if (!carries(packet, h, count, address)) {
        return drop(DropReason.ADDRESS_MISSING, nanoTime, packet, address, 0);
      }
    }
    accepted.incrementAndGet();
    return new Verdict.Accepted(Ipv4.toAddress(source),
        Advertisement.read(packet, h, version == 2 ? Version.V2 : Version.V3));
  }

  /** How many packets passed every check. */
  public long accepted() {
    return accepted.get();
  }

  /** How many packets were dropped for that reason. */
  public long dropped(DropReason reason) {
    return drops.get(requireNonNull(reason, "reason").ordinal());
  }

  /** The drop counts of every reason, zeros included, in the order of the checks. */
  public Map<DropReason, Long> drops() {
    Map<DropReason, Long> map = new EnumMap<>(DropReason.class);
    for (DropReason reason : REASONS) {
      map.put(reason, drops.get(reason.ordinal()));
    }
    return Collections.unmodifiableMap(map);
  }

  private static boolean carries(ByteBuffer packet, int h, int count, int address) {
    for (int i = 0; i < count; i++) {
      if (packet.getInt(h + Advertisement.HEADER_LENGTH + 4 * i) == address) {
        return true;
      }
    }
    return false;
  }

  private Verdict drop(DropReason reason, long nanoTime, ByteBuffer packet, int got, int want) {
    drops.incrementAndGet(reason.ordinal());
    if (log.permits(reason, nanoTime)) {
      String from = packet.remaining() >= Advertisement.IPV4_HEADER_LENGTH
          ? Ipv4.format(packet.getInt(packet.position() + 12))
          : "?";
      log.write(reason, nanoTime, "(" + instance + ") dropped VRRP packet from " + from + ": "
          + reason.description() + detail(reason, got, want));
    }
    return DROPPED[reason.ordinal()];
  }

  private static String detail(DropReason reason, int got, int want) {
    switch (reason) {
      case TOO_SHORT:
        return ", " + got + " bytes, at least " + want + " expected";
      case NOT_VRRP:
        return ", version and header length 0x" + Integer.toHexString(got) + ", protocol " + want;
      case LENGTH:
      case IP_TOTAL_LENGTH:
        return ", " + got + " bytes, " + want + " expected";
      case CHECKSUM:
        return ", 0x" + Integer.toHexString(got);
      case NOT_MULTICAST:
      case NOT_UNICAST:
        return ", sent to " + Ipv4.format(got);
      case ADDRESS_MISSING:
        return ", " + Ipv4.format(got);
      case AUTH_FAILURE:
        return "";
      default:
        return ", " + got + " where " + want + " is expected";
    }
  }
}
