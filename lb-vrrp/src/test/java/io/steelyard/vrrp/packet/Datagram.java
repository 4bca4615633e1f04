package io.steelyard.vrrp.packet;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** A mutable IPv4 datagram carrying VRRP, for breaking one field at a time. */
final class Datagram {
  private byte[] bytes;

  private Datagram(byte[] bytes) {
    this.bytes = bytes;
  }

  static Datagram of(Advertisement advert, Inet4Address source, Inet4Address destination) {
    return new Datagram(advert.encodeIpv4(source, destination));
  }

  /** Where the VRRP header starts. */
  int vrrp() {
    return (bytes[0] & 0xf) * 4;
  }

  int count() {
    return bytes[vrrp() + 3] & 0xff;
  }

  int get(int index) {
    return bytes[index] & 0xff;
  }

  Datagram set(int index, int value) {
    bytes[index] = (byte) value;
    return this;
  }

  Datagram setInt(int index, Inet4Address address) {
    ByteBuffer.wrap(bytes).putInt(index, Ipv4.toInt(address));
    return this;
  }

  Datagram addTotalLength(int delta) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    b.putShort(2, (short) ((b.getShort(2) & 0xffff) + delta));
    return this;
  }

  Datagram truncate(int length) {
    bytes = Arrays.copyOf(bytes, length);
    return this;
  }

  Datagram append(int n) {
    bytes = Arrays.copyOf(bytes, bytes.length + n);
    return this;
  }

  /** Inserts an address after the others (before any authentication data). */
  Datagram insertAddress(Inet4Address address) {
    int at = vrrp() + Advertisement.HEADER_LENGTH + 4 * count();
    byte[] grown = new byte[bytes.length + 4];
    System.arraycopy(bytes, 0, grown, 0, at);
    System.arraycopy(bytes, at, grown, at + 4, bytes.length - at);
    bytes = grown;
    set(vrrp() + 3, count() + 1);
    setInt(at, address);
    return addTotalLength(4);
  }

  /** Recomputes the VRRPv2 checksum (no pseudo-header) over the rest of the datagram. */
  Datagram fixV2Checksum() {
    int h = vrrp();
    set(h + 6, 0).set(h + 7, 0);
    ByteBuffer.wrap(bytes).putShort(h + 6, (short) Checksums.internet(bytes, h, bytes.length - h));
    return this;
  }

  byte[] bytes() {
    return bytes.clone();
  }

  ByteBuffer buffer() {
    return ByteBuffer.wrap(bytes.clone());
  }
}
