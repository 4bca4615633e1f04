package io.steelyard.vrrp.linux;

import static java.util.Objects.requireNonNull;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Sends gratuitous ARPs on one Ethernet interface, as keepalived does on becoming master: an ARP
 * request from the interface's MAC address for the virtual address, asking for that same address,
 * to the broadcast address. Every neighbour that has the virtual address in its ARP table points
 * it at this host.
 *
 * <p>The socket is {@code socket(AF_PACKET, SOCK_DGRAM, 0)}: the kernel builds the Ethernet header
 * from the {@code struct sockaddr_ll} of each send, and protocol 0 means it receives nothing. It
 * needs {@code CAP_NET_RAW}, like the VRRP socket.
 */
final class GratuitousArp implements AutoCloseable {
  private static final int AF_PACKET = 17;
  private static final int SOCK_DGRAM = 2;
  private static final int ETH_P_ARP = 0x0806;
  private static final int ARPHRD_ETHER = 1;
  private static final int ETH_P_IP = 0x0800;
  private static final int ARPOP_REQUEST = 1;
  private static final int ETH_ALEN = 6;
  private static final int SOCKADDR_LL_SIZE = 20;
  private static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};

  private final int fd;
  private final byte[] mac;
  private final byte[] destination;
  private boolean closed;

  private GratuitousArp(int fd, byte[] mac, byte[] destination) {
    this.fd = fd;
    this.mac = mac;
    this.destination = destination;
  }

  /**
   * Opens the sender on the interface, from its MAC address.
   *
   * @throws IllegalStateException if the interface has no Ethernet address
   */
  static GratuitousArp open(LinuxInterface iface) throws IOException {
    requireNonNull(iface, "iface");
    byte[] mac = iface.hardwareAddress();
    int fd;
    try {
      fd = LibC.INSTANCE.socket(AF_PACKET, SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
    } catch (LastErrorException e) {
      if (e.getErrorCode() == LibC.EPERM || e.getErrorCode() == LibC.EACCES) {
        throw Capabilities.missing("CAP_NET_RAW for its AF_PACKET socket");
      }
      throw new IOException("socket(AF_PACKET, SOCK_DGRAM, 0) failed: "
          + LibC.describe(e.getErrorCode()), e);
    }
    return new GratuitousArp(fd, mac, sockaddrLl(iface.index()));
  }

  /** Sends {@code repeat} gratuitous ARPs for the address, back to back. */
  void send(Inet4Address address, int repeat) throws IOException {
    byte[] packet = ByteBuffer.allocate(28)
        .putShort((short) ARPHRD_ETHER)
        .putShort((short) ETH_P_IP)
        .put((byte) ETH_ALEN)
        .put((byte) 4)
        .putShort((short) ARPOP_REQUEST)
        .put(mac)
        .put(address.getAddress())
        .put(BROADCAST)
        .put(address.getAddress())
        .array();
    for (int i = 0; i < repeat; i++) {
      try {
        LibC.INSTANCE.sendto(fd, packet, packet.length, 0, destination, SOCKADDR_LL_SIZE);
      } catch (LastErrorException e) {
        throw new IOException("sending a gratuitous ARP for " + address.getHostAddress()
            + " failed: " + LibC.describe(e.getErrorCode()), e);
      }
    }
  }

  /** Closes the socket; idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      LibC.INSTANCE.close(fd);
    }
  }

  /**
   * {@code struct sockaddr_ll}: family and interface index in host order, the protocol in network
   * order, hardware type and packet type unused for sending, then the destination: 6 bytes of
   * broadcast in an 8-byte field.
   */
  private static byte[] sockaddrLl(int ifindex) {
    ByteBuffer b = ByteBuffer.allocate(SOCKADDR_LL_SIZE).order(ByteOrder.nativeOrder());
    b.putShort((short) AF_PACKET)
        .order(ByteOrder.BIG_ENDIAN).putShort((short) ETH_P_ARP)
        .order(ByteOrder.nativeOrder()).putInt(ifindex)
        .putShort((short) 0)
        .put((byte) 0)
        .put((byte) ETH_ALEN)
        .put(BROADCAST);
    return b.array();
  }
}
