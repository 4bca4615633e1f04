package io.steelyard.vrrp.packet;

import static java.util.Objects.requireNonNull;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The Internet checksum (RFC 1071) as VRRP uses it.
 *
 * <p>VRRPv2 takes the checksum of the VRRP message alone, from the version byte to the end of the
 * authentication data. VRRPv3 over IPv4 first adds the pseudo-header of RFC 5798 section 5.2.8:
 * source address, destination address, a zero byte, protocol 112 and the VRRP message length. In
 * both, the checksum field counts as zero while computing, and a received message is intact when
 * the checksum computed over it, its checksum field included, is zero.
 */
public final class Checksums {
  private Checksums() {}

  /**
   * The ones' complement of the ones' complement sum of {@code length} bytes from {@code offset},
   * an odd last byte padded with zero: the IPv4 header checksum, and the VRRPv2 checksum when
   * given the VRRP message.
   */
  public static int internet(byte[] data, int offset, int length) {
    requireNonNull(data, "data");
    Objects.checkFromIndexSize(offset, length, data.length);
    return ~sum(ByteBuffer.wrap(data), offset, length, 0) & 0xffff;
  }

  /**
   * The VRRPv3 checksum of the VRRP message in {@code message[offset, offset + length)}, sent from
   * {@code source} to {@code destination} (normally {@code 224.0.0.18}).
   */
  public static int vrrpV3(
      Inet4Address source, Inet4Address destination, byte[] message, int offset, int length) {
    requireNonNull(source, "source");
    requireNonNull(destination, "destination");
    requireNonNull(message, "message");
    Objects.checkFromIndexSize(offset, length, message.length);
    int pseudo = pseudoHeaderSum(Ipv4.toInt(source), Ipv4.toInt(destination), length);
    return ~sum(ByteBuffer.wrap(message), offset, length, pseudo) & 0xffff;
  }

  /** The folded 16-bit ones' complement sum of the pseudo-header. */
  static int pseudoHeaderSum(int source, int destination, int length) {
    long s = (source >>> 16) + (source & 0xffff) + (destination >>> 16) + (destination & 0xffff)
        + Advertisement.IP_PROTOCOL + length;
    return fold(s);
  }

  /** The folded 16-bit ones' complement sum of the bytes, added to {@code initial}. */
  static int sum(ByteBuffer buffer, int offset, int length, int initial) {
    long s = initial;
    int end = offset + (length & ~1);
    for (int i = offset; i < end; i += 2) {
      s += (buffer.get(i) & 0xff) << 8 | (buffer.get(i + 1) & 0xff);
    }
    if ((length & 1) != 0) {
      s += (buffer.get(end) & 0xff) << 8;
    }
    return fold(s);
  }

  private static int fold(long s) {
    while ((s >>> 16) != 0) {
      s = (s & 0xffff) + (s >>> 16);
    }
    return (int) s;
  }
}
