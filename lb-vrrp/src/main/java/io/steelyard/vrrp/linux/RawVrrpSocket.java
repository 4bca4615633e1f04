package io.steelyard.vrrp.linux;

import static java.util.Objects.requireNonNull;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import io.steelyard.vrrp.packet.Advertisement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * A raw IPv4 socket for IP protocol 112 on one interface, set up as keepalived sets up its own:
 *
 * <ul>
 *   <li>{@code socket(AF_INET, SOCK_RAW, 112)}: the kernel hands it every protocol-112 datagram,
 *       IP header included, which is what {@link io.steelyard.vrrp.packet.ReceiveFilter} checks;
 *   <li>{@code SO_BINDTODEVICE}: only that interface's traffic, and sends leave through it
 *       without a route to 224.0.0.18;
 *   <li>{@code IP_HDRINCL}: {@link #send} takes the whole datagram from {@link
 *       Advertisement#encodeIpv4}, so TTL 255 and TOS 0xc0 are ours (the kernel fills in the
 *       header checksum and total length);
 *   <li>{@code IP_MULTICAST_LOOP} off: this host does not hear its own adverts;
 *   <li>{@code IP_MULTICAST_IF} and {@code IP_ADD_MEMBERSHIP} of 224.0.0.18 with the interface
 *       index ({@code struct ip_mreqn}): without the membership the interface drops the group.
 * </ul>
 *
 * <p>With unicast peers ({@link #openUnicast}) there is no membership: the socket is bound to the
 * local source address instead, as keepalived binds its own to {@code unicast_src_ip}, so that it
 * receives only the adverts sent to this host.
 *
 * <p>Waiting is {@code poll(2)} with a timeout on the socket, on a wake-up pipe, so that {@link
 * #wakeUp} from any thread ends a wait at once, and on one more descriptor to {@link #watch}. One
 * thread sends, waits and receives; {@link #wakeUp} may come from another. {@link #close} must
 * come after that thread stopped using it.
 */
public final class RawVrrpSocket implements AutoCloseable {
  private static final int POLLFD_SIZE = 8;
  private static final int SOCKADDR_IN_SIZE = 16;

  private final LinuxInterface iface;
  private final int fd;
  private final int wakeRead;
  private final int wakeWrite;
  private final Memory pollFds = new Memory(3L * POLLFD_SIZE);
  private int watched = -1;
  private final byte[] drain = new byte[64];
  private volatile boolean closed;

  private RawVrrpSocket(LinuxInterface iface, int fd, int wakeRead, int wakeWrite) {
    this.iface = iface;
    this.fd = fd;
    this.wakeRead = wakeRead;
    this.wakeWrite = wakeWrite;
  }

  /**
   * Opens the socket on the interface for multicast, in the network namespace of the calling
   * thread.
   *
   * @throws SecurityException without {@code CAP_NET_RAW}, naming it
   * @throws IOException if a system call fails, with its name and {@code errno}
   */
  public static RawVrrpSocket open(LinuxInterface iface) throws IOException {
    requireNonNull(iface, "iface");
    return open(iface, null);
  }

  /**
   * Opens the socket on the interface for unicast peers, bound to {@code local}, in the network
   * namespace of the calling thread.
   *
   * @throws SecurityException without {@code CAP_NET_RAW}, naming it
   * @throws IOException if a system call fails, such as {@code bind} when {@code local} is not an
   *     address of this host, with its name and {@code errno}
   */
  public static RawVrrpSocket openUnicast(LinuxInterface iface, Inet4Address local)
      throws IOException {
    requireNonNull(iface, "iface");
    requireNonNull(local, "local");
    return open(iface, local);
  }

  private static RawVrrpSocket open(LinuxInterface iface, @Nullable Inet4Address unicastLocal)
      throws IOException {
    int fd;
    try {
      fd = LibC.INSTANCE.socket(
          LibC.AF_INET, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, Advertisement.IP_PROTOCOL);
    } catch (LastErrorException e) {
      if (e.getErrorCode() == LibC.EPERM || e.getErrorCode() == LibC.EACCES) {
        throw Capabilities.missing("CAP_NET_RAW for its raw IP socket");
      }
      throw failure("socket(AF_INET, SOCK_RAW, 112)", e);
    }
    int[] pipe = new int[2];
    try {
      byte[] name = (iface.name() + "\0").getBytes(StandardCharsets.US_ASCII);
      setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_BINDTODEVICE, name, "SO_BINDTODEVICE");
      setsockopt(fd, LibC.IPPROTO_IP, LibC.IP_HDRINCL, intValue(1), "IP_HDRINCL");
      if (unicastLocal == null) {
        setsockopt(fd, LibC.IPPROTO_IP, LibC.IP_MULTICAST_LOOP, intValue(0),
            "IP_MULTICAST_LOOP");
        byte[] mreqn = ipMreqn(iface.index());
        setsockopt(fd, LibC.IPPROTO_IP, LibC.IP_MULTICAST_IF, mreqn, "IP_MULTICAST_IF");
        setsockopt(fd, LibC.IPPROTO_IP, LibC.IP_ADD_MEMBERSHIP, mreqn, "IP_ADD_MEMBERSHIP");
      } else {
        bind(fd, unicastLocal);
      }
      LibC.INSTANCE.pipe2(pipe, LibC.O_NONBLOCK | LibC.O_CLOEXEC);
    } catch (LastErrorException e) {
      LibC.INSTANCE.close(fd);
      throw failure("pipe2", e);
    } catch (IOException | RuntimeException e) {
      LibC.INSTANCE.close(fd);
      throw e;
    }
    return new RawVrrpSocket(iface, fd, pipe[0], pipe[1]);
  }

  /** The interface it is bound to. */
  public LinuxInterface iface() {
    return iface;
  }

  /**
   * Sends one whole IPv4 datagram (IP header included) to {@code destination}: 224.0.0.18, or a
   * unicast peer, which the header names too.
   */
  public void send(byte[] datagram, Inet4Address destination) throws IOException {
    requireNonNull(datagram, "datagram");
    requireNonNull(destination, "destination");
    ensureOpen();
    try {
      LibC.INSTANCE.sendto(fd, datagram, datagram.length, 0, sockaddrIn(destination),
          SOCKADDR_IN_SIZE);
    } catch (LastErrorException e) {
      throw failure("sendto " + destination.getHostAddress() + " on " + iface.name(), e);
    }
  }

  /**
   * Waits until a datagram can be received, {@link #wakeUp} is called, the {@linkplain #watch
   * watched} descriptor is readable, or the timeout passes.
   *
   * @param timeoutMillis at most this long; 0 does not wait, a negative value waits without limit
   * @return whether a datagram is ready for {@link #receive}
   */
  public boolean await(int timeoutMillis) throws IOException {
    ensureOpen();
    pollFds.setInt(0, fd);
    pollFds.setShort(4, LibC.POLLIN);
    pollFds.setShort(6, (short) 0);
    pollFds.setInt(POLLFD_SIZE, wakeRead);
    pollFds.setShort(POLLFD_SIZE + 4, LibC.POLLIN);
    pollFds.setShort(POLLFD_SIZE + 6, (short) 0);
    // poll(2) skips an entry whose descriptor is negative.
    pollFds.setInt(2 * POLLFD_SIZE, watched);
    pollFds.setShort(2 * POLLFD_SIZE + 4, LibC.POLLIN);
    pollFds.setShort(2 * POLLFD_SIZE + 6, (short) 0);
    try {
      if (LibC.INSTANCE.poll(pollFds, 3, timeoutMillis) == 0) {
        return false;
      }
    } catch (LastErrorException e) {
      if (e.getErrorCode() == LibC.EINTR) {
        return false;
      }
      throw failure("poll", e);
    }
    if (pollFds.getShort(POLLFD_SIZE + 6) != 0) {
      drainWakeUps();
    }
    return pollFds.getShort(6) != 0;
  }

  /**
   * Makes {@link #await} also end when {@code fd} is readable (such as a {@link LinkMonitor}'s
   * socket); -1 for none. The caller keeps owning the descriptor.
   */
  void watch(int fd) {
    this.watched = fd;
  }

  /** Whether the watched descriptor was readable when the last {@link #await} ended. */
  boolean watchedReady() {
    return watched >= 0 && pollFds.getShort(2 * POLLFD_SIZE + 6) != 0;
  }

  /**
   * Receives one datagram, IP header included, into {@code buffer}, truncating what does not fit.
   * Blocks if none is ready: call {@link #await} first.
   *
   * @return its length in {@code buffer}
   */
  public int receive(byte[] buffer) throws IOException {
    requireNonNull(buffer, "buffer");
    ensureOpen();
    try {
      return (int) LibC.INSTANCE.recv(fd, buffer, buffer.length, 0);
    } catch (LastErrorException e) {
      throw failure("recv on " + iface.name(), e);
    }
  }

  /**
   * Ends the current or the next {@link #await} at once; callable from any thread, and does nothing
   * once the socket is closed (the descriptor numbers may belong to someone else by then).
   */
  public synchronized void wakeUp() {
    if (closed) {
      return;
    }
    try {
      LibC.INSTANCE.write(wakeWrite, new byte[] {1}, 1);
    } catch (LastErrorException e) {
      if (e.getErrorCode() != LibC.EAGAIN) {
        throw new UncheckedIOException(failure("write to the wake-up pipe", e));
      }
    }
  }

  /** Leaves the group (closing does that) and releases the descriptors; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    LibC.INSTANCE.close(fd);
    LibC.INSTANCE.close(wakeRead);
    LibC.INSTANCE.close(wakeWrite);
  }

  private void drainWakeUps() {
    try {
      while (LibC.INSTANCE.read(wakeRead, drain, drain.length) > 0) {
        // Each read takes up to 64 pending wake-ups; the pipe is non-blocking, so this ends.
      }
    } catch (LastErrorException e) {
      if (e.getErrorCode() != LibC.EAGAIN) {
        throw new UncheckedIOException(failure("read from the wake-up pipe", e));
      }
    }
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("the VRRP socket on " + iface.name() + " is closed");
    }
  }

  private static void setsockopt(int fd, int level, int option, byte[] value, String name)
      throws IOException {
    try {
      LibC.INSTANCE.setsockopt(fd, level, option, value, value.length);
    } catch (LastErrorException e) {
      throw failure("setsockopt " + name, e);
    }
  }

  private static void bind(int fd, Inet4Address local) throws IOException {
    try {
      LibC.INSTANCE.bind(fd, sockaddrIn(local), SOCKADDR_IN_SIZE);
    } catch (LastErrorException e) {
      throw failure("bind to the unicast source " + local.getHostAddress(), e);
    }
  }

  private static IOException failure(String call, LastErrorException e) {
    return new IOException(call + " failed: " + LibC.describe(e.getErrorCode()), e);
  }

  private static byte[] intValue(int value) {
    return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
  }

  /** {@code struct ip_mreqn}: the group, no local address, the interface index (host order). */
  private static byte[] ipMreqn(int ifindex) {
    return ByteBuffer.allocate(12)
        .put(Advertisement.MULTICAST_GROUP.getAddress())
        .putInt(0)
        .order(ByteOrder.nativeOrder())
        .putInt(ifindex)
        .array();
  }

  /** {@code struct sockaddr_in}: family (host order), port 0, the address, 8 bytes of zero. */
  private static byte[] sockaddrIn(Inet4Address address) {
    ByteBuffer b = ByteBuffer.allocate(SOCKADDR_IN_SIZE).order(ByteOrder.nativeOrder());
    b.putShort((short) LibC.AF_INET).putShort((short) 0).put(address.getAddress());
    return b.array();
  }
}
