package io.steelyard.vrrp.packet;

import static java.util.Objects.requireNonNull;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * One VRRP advertisement over IPv4, immutable: who the virtual router is ({@linkplain
 * #virtualRouterId VRID}), how much the sender wants to be its master ({@linkplain #priority
 * priority}), how often it speaks ({@linkplain #advertInterval interval}) and the virtual addresses
 * it carries.
 *
 * <p>The wire layout (RFC 3768 section 5.1, RFC 5798 section 5.1), multi-byte fields in network
 * order:
 *
 * <pre>
 *  0        4        8                16               24              31
 * +--------+--------+----------------+----------------+----------------+
 * |Version | Type=1 | Virtual Rtr ID |    Priority    | Count IPv4 Addr|
 * +--------+--------+----------------+----------------+----------------+
 * | v2: Auth Type   | v2: Adver Int  |            Checksum             |
 * | v3: rsvd | Max Adver Int (12 bits, centiseconds)                   |
 * +--------------------------------------------------------------------+
 * |                   IPv4 addresses (Count of them)                   |
 * +--------------------------------------------------------------------+
 * |             v2 only: Authentication Data (8 bytes)                 |
 * +--------------------------------------------------------------------+
 * </pre>
 *
 * <p>Priority 255 belongs to the owner of the addresses, 0 says that the master is stepping down
 * (backups then take over after their skew time instead of the whole Master_Down interval).
 *
 * <p>keepalived builds the whole IPv4 datagram itself ({@code IP_HDRINCL}): version 4, header
 * length 20, TOS {@code 0xc0} (network control), identification and fragment offset 0, TTL 255,
 * protocol 112, to {@code 224.0.0.18}. {@link #encodeIpv4} does the same.
 */
public final class Advertisement {
  /** The IPv4 multicast group of VRRP, {@code 224.0.0.18}. */
  public static final Inet4Address MULTICAST_GROUP = Ipv4.toAddress(0xe0000012);

  /** The IP protocol number of VRRP. */
  public static final int IP_PROTOCOL = 112;

  /** The TTL an advertisement is sent with, and the only one accepted. */
  public static final int TTL = 255;

  /** The IP type of service keepalived sends with: network control. */
  public static final int TOS = 0xc0;

  /** The only VRRP packet type, ADVERTISEMENT. */
  public static final int TYPE_ADVERTISEMENT = 1;

  /** VRRPv2 authentication type: none (the authentication data is zero). */
  public static final int AUTH_NONE = 0;

  /** VRRPv2 authentication type: the RFC 2338 simple text password, keepalived's {@code PASS}. */
  public static final int AUTH_PASS = 1;

  /**
   * VRRPv2 authentication type: IPsec AH, keepalived's {@code AH}, which Steelyard does not
   * support: an instance cannot use it and such adverts are dropped as an auth-type mismatch.
   */
  public static final int AUTH_AH = 2;

  /** The length of the VRRPv2 authentication data, and so the longest password. */
  public static final int AUTH_DATA_LENGTH = 8;

  /** The length of the fixed part of the VRRP header, before the addresses. */
  public static final int HEADER_LENGTH = 8;

  /** The length of the IPv4 header {@link #encodeIpv4} writes. */
  public static final int IPV4_HEADER_LENGTH = 20;

  /** The most addresses one advertisement carries: the count is one byte. */
  public static final int MAX_ADDRESSES = 255;

  /** The longest VRRPv2 interval in seconds, and the longest VRRPv3 one in centiseconds. */
  static final int MAX_V2_INTERVAL = 255;

  static final int MAX_V3_INTERVAL = 0xfff;

  private static final byte[] NO_AUTH_DATA = new byte[0];

  private final Version version;
  private final int virtualRouterId;
  private final int priority;
  private final int advertInterval;
  private final int[] addresses;
  private final int authType;
  private final byte[] authData;

  private Advertisement(Version version, int virtualRouterId, int priority, int advertInterval,
      int[] addresses, int authType, byte[] authData) {
    this.version = version;
    this.virtualRouterId = virtualRouterId;
    this.priority = priority;
    this.advertInterval = advertInterval;
    this.addresses = addresses;
    this.authType = authType;
    this.authData = authData;
  }

  /**
   * A VRRPv2 advertisement without authentication.
   *
   * @param virtualRouterId 1 to 255
   * @param priority 0 (stepping down) to 255 (the address owner)
   * @param advertIntervalSeconds 1 to 255
   * @param addresses the virtual addresses, at most 255
   */
  public static Advertisement v2(
      int virtualRouterId, int priority, int advertIntervalSeconds, List<Inet4Address> addresses) {
    checkV2Interval(advertIntervalSeconds);
    return new Advertisement(Version.V2, checkVrid(virtualRouterId), checkPriority(priority),
        advertIntervalSeconds, toInts(addresses), AUTH_NONE, new byte[AUTH_DATA_LENGTH]);
  }

  /**
   * A VRRPv2 advertisement with the simple password of RFC 2338 ({@code auth_type PASS}): the
   * password's bytes, zero-padded to 8, are the authentication data.
   *
   * @param password 1 to 8 bytes; keepalived truncates a longer {@code auth_pass} to 8 bytes
   *     before it gets here
   */
  public static Advertisement v2(int virtualRouterId, int priority, int advertIntervalSeconds,
      List<Inet4Address> addresses, byte[] password) {
    requireNonNull(password, "password");
    if (password.length < 1 || password.length > AUTH_DATA_LENGTH) {
      throw new IllegalArgumentException(
          "VRRP password must be 1 to 8 bytes: " + password.length + " bytes");
    }
    checkV2Interval(advertIntervalSeconds);
    return new Advertisement(Version.V2, checkVrid(virtualRouterId), checkPriority(priority),
        advertIntervalSeconds, toInts(addresses), AUTH_PASS, Arrays.copyOf(password,
            AUTH_DATA_LENGTH));
  }

  /**
   * A VRRPv3 advertisement.
   *
   * @param virtualRouterId 1 to 255
   * @param priority 0 (stepping down) to 255 (the address owner)
   * @param advertIntervalCentis 1 to 4095 centiseconds
   * @param addresses the virtual addresses, at most 255
   */
  public static Advertisement v3(
      int virtualRouterId, int priority, int advertIntervalCentis, List<Inet4Address> addresses) {
    if (advertIntervalCentis < 1 || advertIntervalCentis > MAX_V3_INTERVAL) {
      throw new IllegalArgumentException(
          "VRRPv3 advert interval must be 1 to 4095 centiseconds: " + advertIntervalCentis);
    }
    return new Advertisement(Version.V3, checkVrid(virtualRouterId), checkPriority(priority),
        advertIntervalCentis, toInts(addresses), AUTH_NONE, NO_AUTH_DATA);
  }

  /**
   * Reads a VRRP message (no IP header) from the buffer's position to its limit, without moving
   * the position. Only the structure is checked: version 2 or 3, type ADVERTISEMENT, and a length
   * that matches the address count. The checksum and everything a receiver compares with its own
   * configuration are the business of {@link ReceiveFilter}, which needs the IP header too.
   *
   * @throws IllegalArgumentException if the message is not a well-formed advertisement
   */
  public static Advertisement decode(ByteBuffer message) {
    requireNonNull(message, "message");
    int start = message.position();
    int length = message.remaining();
    if (length < HEADER_LENGTH) {
      throw new IllegalArgumentException(
          "VRRP message too short: " + length + " bytes, the header alone is 8");
    }
    int first = message.get(start) & 0xff;
    Version version = Version.of(first >>> 4);
    if ((first & 0xf) != TYPE_ADVERTISEMENT) {
      throw new IllegalArgumentException(
          "VRRP type must be 1 (ADVERTISEMENT): " + (first & 0xf));
    }
    int expected = messageLength(version, message.get(start + 3) & 0xff);
    if (length != expected) {
      throw new IllegalArgumentException("VRRP" + version.name().toLowerCase() + " message with "
          + (message.get(start + 3) & 0xff) + " addresses must be " + expected + " bytes: "
          + length);
    }
    return read(message, start, version);
  }

  /** The length of a VRRP message of that version with that many addresses. */
  static int messageLength(Version version, int count) {
    return HEADER_LENGTH + 4 * count + (version == Version.V2 ? AUTH_DATA_LENGTH : 0);
  }

  /** Reads a message whose structure has been checked. */
  static Advertisement read(ByteBuffer buffer, int start, Version version) {
    int count = buffer.get(start + 3) & 0xff;
    int[] addresses = new int[count];
    for (int i = 0; i < count; i++) {
      addresses[i] = buffer.getInt(start + HEADER_LENGTH + 4 * i);
    }
    int vrid = buffer.get(start + 1) & 0xff;
    int priority = buffer.get(start + 2) & 0xff;
    if (version == Version.V2) {
      byte[] authData = new byte[AUTH_DATA_LENGTH];
      buffer.get(start + HEADER_LENGTH + 4 * count, authData);
      return new Advertisement(version, vrid, priority, buffer.get(start + 5) & 0xff, addresses,
          buffer.get(start + 4) & 0xff, authData);
    }
    return new Advertisement(version, vrid, priority, buffer.getShort(start + 4) & MAX_V3_INTERVAL,
        addresses, AUTH_NONE, NO_AUTH_DATA);
  }

  /** VRRPv2 or VRRPv3. */
  public Version version() {
    return version;
  }

  /** The virtual router this advertisement is about, 1 to 255 (0 only in a decoded one). */
  public int virtualRouterId() {
    return virtualRouterId;
  }

  /** The sender's priority: 255 for the address owner, 0 when the master steps down. */
  public int priority() {
    return priority;
  }

  /**
   * The advertisement interval as it is on the wire: whole seconds in VRRPv2, centiseconds in
   * VRRPv3 (the reserved bits that precede it are ignored, as RFC 5798 asks).
   */
  public int advertInterval() {
    return advertInterval;
  }

  /** The {@linkplain #advertInterval advertisement interval} as a duration. */
  public Duration advertIntervalDuration() {
    return version == Version.V2
        ? Duration.ofSeconds(advertInterval)
        : Duration.ofMillis(10L * advertInterval);
  }

  /** The virtual addresses, in the order they are on the wire. */
  public List<Inet4Address> addresses() {
    List<Inet4Address> list = new ArrayList<>(addresses.length);
    for (int address : addresses) {
      list.add(Ipv4.toAddress(address));
    }
    return Collections.unmodifiableList(list);
  }

  /** The VRRPv2 authentication type ({@link #AUTH_NONE}, {@link #AUTH_PASS}, …); 0 in VRRPv3. */
  public int authType() {
    return authType;
  }

  /** A copy of the 8 bytes of VRRPv2 authentication data; empty in VRRPv3. */
  public byte[] authData() {
    return authData.clone();
  }

  /** The same advertisement with another priority, 0 to 255. */
  public Advertisement withPriority(int priority) {
    return new Advertisement(version, virtualRouterId, checkPriority(priority), advertInterval,
        addresses, authType, authData);
  }

  /** The length of the VRRP message: 8 + 4 per address, + 8 in VRRPv2. */
  public int length() {
    return messageLength(version, addresses.length);
  }

  /**
   * The VRRP message with its checksum. The addresses only enter the VRRPv3 checksum (through the
   * pseudo-header); a VRRPv2 message is the same whatever they are.
   */
  public byte[] encode(Inet4Address source, Inet4Address destination) {
    requireNonNull(source, "source");
    requireNonNull(destination, "destination");
    ByteBuffer out = ByteBuffer.allocate(length());
    write(out, 0, Ipv4.toInt(source), Ipv4.toInt(destination));
    return out.array();
  }

  /**
   * The whole IPv4 datagram as keepalived sends it with {@code IP_HDRINCL}: a 20-byte header
   * (TOS {@code 0xc0}, identification 0, no fragment flags, TTL 255, protocol 112, its header
   * checksum filled in, though Linux fills it in again) followed by the {@linkplain #encode VRRP
   * message}.
   */
  public byte[] encodeIpv4(Inet4Address source, Inet4Address destination) {
    requireNonNull(source, "source");
    requireNonNull(destination, "destination");
    int src = Ipv4.toInt(source);
    int dst = Ipv4.toInt(destination);
    ByteBuffer out = ByteBuffer.allocate(IPV4_HEADER_LENGTH + length());
    out.put(0, (byte) 0x45)
        .put(1, (byte) TOS)
        .putShort(2, (short) (IPV4_HEADER_LENGTH + length()))
        .put(8, (byte) TTL)
        .put(9, (byte) IP_PROTOCOL)
        .putInt(12, src)
        .putInt(16, dst);
    out.putShort(10, (short) ~Checksums.sum(out, 0, IPV4_HEADER_LENGTH, 0));
    write(out, IPV4_HEADER_LENGTH, src, dst);
    return out.array();
  }

  private void write(ByteBuffer out, int start, int source, int destination) {
    out.put(start, (byte) (version.number() << 4 | TYPE_ADVERTISEMENT))
        .put(start + 1, (byte) virtualRouterId)
        .put(start + 2, (byte) priority)
        .put(start + 3, (byte) addresses.length);
    if (version == Version.V2) {
      out.put(start + 4, (byte) authType).put(start + 5, (byte) advertInterval);
    } else {
      out.putShort(start + 4, (short) advertInterval);
    }
    for (int i = 0; i < addresses.length; i++) {
      out.putInt(start + HEADER_LENGTH + 4 * i, addresses[i]);
    }
    out.put(start + HEADER_LENGTH + 4 * addresses.length, authData);
    int initial = version == Version.V2 ? 0 : Checksums.pseudoHeaderSum(source, destination,
        length());
    out.putShort(start + 6, (short) ~Checksums.sum(out, start, length(), initial));
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Advertisement)) {
      return false;
    }
    Advertisement that = (Advertisement) o;
    return version == that.version
        && virtualRouterId == that.virtualRouterId
        && priority == that.priority
        && advertInterval == that.advertInterval
        && authType == that.authType
        && Arrays.equals(addresses, that.addresses)
        && Arrays.equals(authData, that.authData);
  }

  @Override
  public int hashCode() {
    int h = version.hashCode();
    h = 31 * h + virtualRouterId;
    h = 31 * h + priority;
    h = 31 * h + advertInterval;
    h = 31 * h + authType;
    h = 31 * h + Arrays.hashCode(addresses);
    return 31 * h + Arrays.hashCode(authData);
  }

  /** For example {@code VRRPv2 vrid 51 priority 100 interval 1s [192.168.200.16] auth PASS}. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("VRRP").append(version.name().toLowerCase())
        .append(" vrid ").append(virtualRouterId)
        .append(" priority ").append(priority)
        .append(" interval ")
        .append(version == Version.V2 ? advertInterval + "s" : advertInterval + "cs")
        .append(" [");
    for (int i = 0; i < addresses.length; i++) {
      s.append(i == 0 ? "" : ", ").append(Ipv4.format(addresses[i]));
    }
    s.append(']');
    if (version == Version.V2) {
      s.append(" auth ").append(authType == AUTH_NONE ? "none" : authType == AUTH_PASS ? "PASS"
          : authType == AUTH_AH ? "AH" : String.valueOf(authType));
    }
    return s.toString();
  }

  private static int checkVrid(int virtualRouterId) {
    if (virtualRouterId < 1 || virtualRouterId > 255) {
      throw new IllegalArgumentException("VRID must be 1 to 255: " + virtualRouterId);
    }
    return virtualRouterId;
  }

  private static int checkPriority(int priority) {
    if (priority < 0 || priority > 255) {
      throw new IllegalArgumentException("VRRP priority must be 0 to 255: " + priority);
    }
    return priority;
  }

  private static void checkV2Interval(int seconds) {
    if (seconds < 1 || seconds > MAX_V2_INTERVAL) {
      throw new IllegalArgumentException(
          "VRRPv2 advert interval must be 1 to 255 seconds: " + seconds);
    }
  }

  private static int[] toInts(List<Inet4Address> addresses) {
    requireNonNull(addresses, "addresses");
    if (addresses.size() > MAX_ADDRESSES) {
      throw new IllegalArgumentException(
          "an advertisement carries at most 255 addresses: " + addresses.size());
    }
    int[] ints = new int[addresses.size()];
    for (int i = 0; i < ints.length; i++) {
      ints[i] = Ipv4.toInt(requireNonNull(addresses.get(i), "addresses[" + i + "]"));
    }
    return ints;
  }
}
