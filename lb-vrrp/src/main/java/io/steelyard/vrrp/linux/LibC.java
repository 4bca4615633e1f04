package io.steelyard.vrrp.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The few C library functions this package calls, mapped by JNA. Every one throws {@link
 * LastErrorException} carrying {@code errno} when the call fails. {@code size_t}, {@code ssize_t}
 * and {@code nfds_t} are mapped to Java {@code long}, which is right on the 64-bit Linux targets
 * (x86_64, aarch64) this package supports.
 */
interface LibC extends Library {
  LibC INSTANCE = Native.load("c", LibC.class);

  int AF_INET = 2;
  int SOCK_RAW = 3;
  int SOCK_CLOEXEC = 0x80000;
  int O_NONBLOCK = 0x800;
  int O_CLOEXEC = 0x80000;

  int SOL_SOCKET = 1;
  int SO_BINDTODEVICE = 25;
  int IPPROTO_IP = 0;
  int IP_HDRINCL = 3;
  int IP_MULTICAST_IF = 32;
  int IP_MULTICAST_LOOP = 34;
  int IP_ADD_MEMBERSHIP = 35;

  short POLLIN = 0x1;

  int EPERM = 1;
  int EINTR = 4;
  int EAGAIN = 11;
  int EACCES = 13;
  int ENODEV = 19;
  int EADDRNOTAVAIL = 99;

  int socket(int domain, int type, int protocol) throws LastErrorException;

  int setsockopt(int fd, int level, int option, byte[] value, int length)
      throws LastErrorException;

  int bind(int fd, byte[] address, int addressLength) throws LastErrorException;

  long sendto(int fd, byte[] buffer, long length, int flags, byte[] address, int addressLength)
      throws LastErrorException;

  long recv(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

  long read(int fd, byte[] buffer, long length) throws LastErrorException;

  long write(int fd, byte[] buffer, long length) throws LastErrorException;

  int poll(Pointer fds, long count, int timeoutMillis) throws LastErrorException;

  int pipe2(int[] fds, int flags) throws LastErrorException;

  int close(int fd) throws LastErrorException;

  int if_nametoindex(String name) throws LastErrorException;

  int ioctl(int fd, long request, byte[] argument) throws LastErrorException;

  String strerror(int errno);

  /** {@code errno N (its strerror text)}, for error messages. */
  static String describe(int errno) {
    return "errno " + errno + " (" + INSTANCE.strerror(errno) + ")";
  }
}
