package io.steelyard.vrrp.linux;

import static java.util.Objects.requireNonNull;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A network interface as VRRP needs it: its name, its index (for the multicast membership) and its
 * primary IPv4 address, which is the source of the adverts and breaks ties between equal
 * priorities. Looked up once, in the network namespace of the calling thread.
 *
 * @param name the interface name, such as {@code eth0}
 * @param index the kernel's interface index
 * @param primaryAddress its primary IPv4 address, the first {@code ip -4 addr show} lists
 */
public record LinuxInterface(String name, int index, Inet4Address primaryAddress) {
  /** Longest interface name Linux accepts ({@code IFNAMSIZ} 16, less the terminating NUL). */
  static final int MAX_NAME_LENGTH = 15;

  private static final int SOCK_DGRAM = 2;
  private static final long SIOCGIFFLAGS = 0x8913;
  private static final long SIOCGIFADDR = 0x8915;
  private static final long SIOCGIFHWADDR = 0x8927;
  private static final int IFREQ_SIZE = 40;
  private static final int IFR_DATA = 16;
  private static final int ARPHRD_ETHER = 1;
  private static final int ETH_ALEN = 6;
  private static final int IFF_UP = 0x1;
  private static final int IFF_RUNNING = 0x40;

  /** Checks the fields. */
  public LinuxInterface {
    requireNonNull(name, "name");
    requireNonNull(primaryAddress, "primaryAddress");
    if (index <= 0) {
      throw new IllegalArgumentException("interface index must be positive: " + index);
    }
  }

  /**
   * Looks the interface up: its index with {@code if_nametoindex(3)}, its primary address with
   * the {@code SIOCGIFADDR} ioctl (the first address labelled with the interface's name, which is
   * the one {@code ip addr} lists first).
   *
   * @throws IllegalArgumentException if there is no interface of that name in this namespace
   * @throws IllegalStateException if it has no IPv4 address
   * @throws IOException if the ioctl fails otherwise
   */
  public static LinuxInterface lookup(String name) throws IOException {
    requireNonNull(name, "name");
    if (name.isEmpty() || name.length() > MAX_NAME_LENGTH || name.contains("/")
        || name.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("not an interface name: '" + name + "'");
    }
    int index;
    try {
      index = LibC.INSTANCE.if_nametoindex(name);
    } catch (LastErrorException e) {
      index = 0;
    }
    if (index == 0) {
      throw new IllegalArgumentException(
          "no network interface named '" + name + "' in this network namespace");
    }
    ByteBuffer ifreq;
    try {
      ifreq = ioctl(name, SIOCGIFADDR);
    } catch (LastErrorException e) {
      if (e.getErrorCode() == LibC.EADDRNOTAVAIL) {
        throw new IllegalStateException("interface '" + name
            + "' has no IPv4 address; VRRP adverts need one as their source");
      }
      throw new IOException("SIOCGIFADDR on " + name + " failed: "
          + LibC.describe(e.getErrorCode()), e);
    }
    byte[] address = new byte[4];
    ifreq.get(IFR_DATA + 4, address);
    return new LinuxInterface(name, index, (Inet4Address) InetAddress.getByAddress(address));
  }

  /**
   * Its Ethernet (MAC) address, by the {@code SIOCGIFHWADDR} ioctl.
   *
   * @throws IllegalStateException if it has none, as on a tunnel or the loopback
   */
  byte[] hardwareAddress() throws IOException {
    ByteBuffer ifreq;
    try {
      ifreq = ioctl(name, SIOCGIFHWADDR);
    } catch (LastErrorException e) {
      throw new IOException("SIOCGIFHWADDR on " + name + " failed: "
          + LibC.describe(e.getErrorCode()), e);
    }
    int type = ifreq.getShort(IFR_DATA) & 0xffff;
    if (type != ARPHRD_ETHER) {
      throw new IllegalStateException("interface '" + name
          + "' has no Ethernet address for gratuitous ARPs (hardware type " + type + ")");
    }
    byte[] mac = new byte[ETH_ALEN];
    ifreq.get(IFR_DATA + 2, mac);
    return mac;
  }

  /**
   * Whether the interface is up and its link is running ({@code IFF_UP} and {@code IFF_RUNNING},
   * keepalived's test): a VRRP instance on an interface that is not is in Fault.
   */
  boolean running() throws IOException {
    ByteBuffer ifreq;
    try {
      ifreq = ioctl(name, SIOCGIFFLAGS);
    } catch (LastErrorException e) {
      if (e.getErrorCode() == LibC.ENODEV) {
        return false;
      }
      throw new IOException("SIOCGIFFLAGS on " + name + " failed: "
          + LibC.describe(e.getErrorCode()), e);
    }
    int flags = ifreq.getShort(IFR_DATA) & 0xffff;
    return (flags & (IFF_UP | IFF_RUNNING)) == (IFF_UP | IFF_RUNNING);
  }

  /**
   * Runs one interface ioctl on a throw-away datagram socket (no privilege needed) in the calling
   * thread's namespace; returns the {@code struct ifreq}: the name in 16 bytes, then the answer.
   */
  private static ByteBuffer ioctl(String name, long request) {
    byte[] ifreq = new byte[IFREQ_SIZE];
    byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(bytes, 0, ifreq, 0, bytes.length);
    int fd = LibC.INSTANCE.socket(LibC.AF_INET, SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
    try {
      LibC.INSTANCE.ioctl(fd, request, ifreq);
    } finally {
      LibC.INSTANCE.close(fd);
    }
    return ByteBuffer.wrap(ifreq).order(ByteOrder.nativeOrder());
  }
}
