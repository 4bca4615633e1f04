package io.steelyard.vrrp.linux;

import com.sun.jna.LastErrorException;
import io.steelyard.vrrp.state.VirtualAddress;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Adds and deletes IPv4 addresses through a {@code NETLINK_ROUTE} socket, as keepalived does: one
 * {@code RTM_NEWADDR} or {@code RTM_DELADDR} request with {@code NLM_F_ACK}, then the kernel's
 * answer, whose error code decides. The socket belongs to the network namespace of the thread
 * that opened it; changing addresses needs {@code CAP_NET_ADMIN} there.
 *
 * <p>Like keepalived, adding an address that is there already ({@code EEXIST}) and deleting one
 * that is gone ({@code EADDRNOTAVAIL}) are not failures: another program, or a previous run of
 * this one, may have done it. Any other error is an {@link IOException} naming the address, the
 * interface and the errno.
 *
 * <p>One thread at a time: a request and its answer are one exchange on the socket.
 */
final class Rtnetlink implements AutoCloseable {
  private static final int AF_NETLINK = 16;
  private static final int NETLINK_ROUTE = 0;
  private static final int SOCKADDR_NL_SIZE = 12;

  private static final int RTM_NEWADDR = 20;
  private static final int RTM_DELADDR = 21;
  private static final int NLMSG_ERROR = 2;
  private static final int NLM_F_REQUEST = 0x1;
  private static final int NLM_F_ACK = 0x4;
  private static final int NLM_F_EXCL = 0x200;
  private static final int NLM_F_CREATE = 0x400;
  private static final int NLMSG_HEADER = 16;
  private static final int IFADDRMSG = 8;
  private static final int IFA_ADDRESS = 1;
  private static final int IFA_LOCAL = 2;
  private static final int IFA_BROADCAST = 4;
  private static final int RTATTR_IPV4 = 8;
  private static final int EEXIST = 17;
  private static final int SO_RCVTIMEO = 20;
  private static final int SOL_NETLINK = 270;
  private static final int NETLINK_CAP_ACK = 10;
  private static final int NETLINK_EXT_ACK = 11;
  private static final int NLM_F_ACK_TLVS = 0x200;
  private static final int NLMSGERR_ATTR_MSG = 1;
  private static final long TIMEOUT_SECONDS = 5;

  private final int fd;
  private final byte[] answer = new byte[8192];
  private int sequence;
  private boolean closed;

  private Rtnetlink(int fd) {
    this.fd = fd;
  }

  /**
   * Opens the socket in the calling thread's network namespace; waits for an answer at most 5
   * seconds.
   */
  static Rtnetlink open() throws IOException {
    int fd = socket(0);
    try {
      byte[] timeout = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder())
          .putLong(TIMEOUT_SECONDS).putLong(0).array();
      LibC.INSTANCE.setsockopt(fd, LibC.SOL_SOCKET, SO_RCVTIMEO, timeout, timeout.length);
      // Errors come with the kernel's explanation, after the request's header only.
      byte[] on = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(1).array();
      LibC.INSTANCE.setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, on, on.length);
      LibC.INSTANCE.setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, on, on.length);
      bind(fd, 0);
    } catch (LastErrorException e) {
      LibC.INSTANCE.close(fd);
      throw new IOException("setting up the rtnetlink socket failed: "
          + LibC.describe(e.getErrorCode()), e);
    }
    return new Rtnetlink(fd);
  }

  /** {@code socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | flags, NETLINK_ROUTE)}. */
  static int socket(int flags) throws IOException {
    try {
      return LibC.INSTANCE.socket(
          AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC | flags, NETLINK_ROUTE);
    } catch (LastErrorException e) {
      throw new IOException("socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE) failed: "
          + LibC.describe(e.getErrorCode()), e);
    }
  }

  /** Binds a netlink socket with a port id chosen by the kernel, to the multicast {@code groups}. */
  static void bind(int fd, int groups) {
    LibC.INSTANCE.bind(fd, sockaddrNl(groups), SOCKADDR_NL_SIZE);
  }

  /**
   * {@code ip addr add ADDRESS/LEN [brd B] [scope S] dev IFACE}; an address already there is
   * fine.
   */
  void addAddress(LinuxInterface iface, VirtualAddress address) throws IOException {
    Answer answer = exchange(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, iface.index(), address);
    if (answer.errno() != 0 && answer.errno() != EEXIST) {
      throw failure("adding", "to", iface, address, answer);
    }
  }

  /** {@code ip addr del ADDRESS/LEN dev IFACE}; an address already gone is fine. */
  void deleteAddress(LinuxInterface iface, VirtualAddress address) throws IOException {
    Answer answer = exchange(RTM_DELADDR, 0, iface.index(), address);
    if (answer.errno() != 0 && answer.errno() != LibC.EADDRNOTAVAIL) {
      throw failure("deleting", "from", iface, address, answer);
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      LibC.INSTANCE.close(fd);
    }
  }

  /**
   * The kernel's answer to a request: its errno, 0 for success, and the explanation it gave with
   * an error, if any ({@code NETLINK_EXT_ACK}).
   */
  private record Answer(int errno, String message) {}

  /** Sends one request with {@code NLM_F_ACK} and reads the kernel's answer to it. */
  private Answer exchange(int type, int flags, int ifindex, VirtualAddress address)
      throws IOException {
    if (closed) {
      throw new IOException("the rtnetlink socket is closed");
    }
    int seq = ++sequence;
    byte[] request = request(type, flags, seq, ifindex, address);
    try {
      LibC.INSTANCE.sendto(fd, request, request.length, 0, sockaddrNl(0), SOCKADDR_NL_SIZE);
    } catch (LastErrorException e) {
      throw new IOException("sending to rtnetlink failed: " + LibC.describe(e.getErrorCode()), e);
    }
    while (true) {
      int length;
      try {
        length = (int) LibC.INSTANCE.recv(fd, answer, answer.length, 0);
      } catch (LastErrorException e) {
        if (e.getErrorCode() == LibC.EINTR) {
          continue;
        }
        throw new IOException("no answer from rtnetlink about " + address + ": "
            + LibC.describe(e.getErrorCode()), e);
      }
      ByteBuffer in = ByteBuffer.wrap(answer, 0, length).order(ByteOrder.nativeOrder());
      for (int at = 0; at + NLMSG_HEADER <= length; ) {
        int messageLength = in.getInt(at);
        if (messageLength < NLMSG_HEADER) {
          break;
        }
        if ((in.getShort(at + 4) & 0xffff) == NLMSG_ERROR && in.getInt(at + 8) == seq) {
          return answer(in, at, Math.min(at + messageLength, length));
        }
        at += align(messageLength);
      }
    }
  }

  /**
   * Reads an {@code NLMSG_ERROR} message: the negated errno, the request's header (its payload left
   * out, {@code NETLINK_CAP_ACK}), then with {@code NLM_F_ACK_TLVS} attributes, among which the
   * kernel's message ({@code NLMSGERR_ATTR_MSG}, a C string).
   */
  private static Answer answer(ByteBuffer in, int at, int end) {
    int errno = -in.getInt(at + NLMSG_HEADER);
    String message = "";
    if ((in.getShort(at + 6) & NLM_F_ACK_TLVS) != 0) {
      for (int a = at + NLMSG_HEADER + 4 + NLMSG_HEADER; a + 4 <= end; ) {
        int length = in.getShort(a) & 0xffff;
        if (length < 4 || a + length > end) {
          break;
        }
        if ((in.getShort(a + 2) & 0xffff) == NLMSGERR_ATTR_MSG) {
          int stop = a + 4;
          while (stop < a + length && in.get(stop) != 0) {
            stop++;
          }
          byte[] text = new byte[stop - a - 4];
          in.get(a + 4, text);
          message = new String(text, StandardCharsets.UTF_8);
        }
        a += align(length);
      }
    }
    return new Answer(errno, message);
  }

  /**
   * {@code struct nlmsghdr}, {@code struct ifaddrmsg} and the attributes: IFA_LOCAL and
   * IFA_ADDRESS both the address (what {@code ip} sends for an address without a peer), and
   * IFA_BROADCAST when one is given.
   */
  private static byte[] request(int type, int flags, int seq, int ifindex,
      VirtualAddress address) {
    int attributes = address.broadcast().isPresent() ? 3 : 2;
    int length = NLMSG_HEADER + IFADDRMSG + attributes * RTATTR_IPV4;
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
    b.putInt(length).putShort((short) type).putShort((short) (NLM_F_REQUEST | NLM_F_ACK | flags))
        .putInt(seq).putInt(0);
    b.put((byte) LibC.AF_INET).put((byte) address.prefixLength()).put((byte) 0)
        .put((byte) address.scope()).putInt(ifindex);
    byte[] bytes = address.address().getAddress();
    b.putShort((short) RTATTR_IPV4).putShort((short) IFA_LOCAL).put(bytes);
    b.putShort((short) RTATTR_IPV4).putShort((short) IFA_ADDRESS).put(bytes);
    address.broadcast().ifPresent(broadcast -> b.putShort((short) RTATTR_IPV4)
        .putShort((short) IFA_BROADCAST).put(broadcast.getAddress()));
    return b.array();
  }

  /** {@code struct sockaddr_nl}: family, padding, port id, multicast groups (host order). */
  private static byte[] sockaddrNl(int groups) {
    return ByteBuffer.allocate(SOCKADDR_NL_SIZE).order(ByteOrder.nativeOrder())
        .putShort((short) AF_NETLINK).putShort((short) 0).putInt(0).putInt(groups).array();
  }

  private static int align(int length) {
    return (length + 3) & ~3;
  }

  private static IOException failure(String verb, String preposition, LinuxInterface iface,
      VirtualAddress address, Answer answer) {
    int errno = answer.errno();
    String message = verb + " " + address + " " + preposition + " " + iface.name() + " failed: "
        + LibC.describe(errno) + (answer.message().isEmpty() ? "" : ": " + answer.message());
    if (errno == LibC.EPERM || errno == LibC.EACCES) {
      message += "; changing addresses needs the CAP_NET_ADMIN capability: " + Capabilities.HOW;
    }
    return new IOException(message);
  }
}
