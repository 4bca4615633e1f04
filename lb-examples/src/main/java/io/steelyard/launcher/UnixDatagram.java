package io.steelyard.launcher;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Sends datagrams to a Unix datagram socket such as {@code /dev/log} or systemd's {@code
 * $NOTIFY_SOCKET}, which the JDK cannot (its Unix-domain channels are stream sockets only):
 * socket(2) and sendto(2) through JNA, on Linux. A path that starts with {@code @} names an
 * abstract socket, as systemd writes them. Each send names the path, so a daemon that restarts is
 * found again.
 */
public final class UnixDatagram implements AutoCloseable {
  private static final int AF_UNIX = 1;
  private static final int SOCK_DGRAM = 2;
  private static final int SUN_PATH = 108;

  private interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int socket(int domain, int type, int protocol) throws LastErrorException;

    long sendto(int fd, byte[] buffer, long length, int flags, byte[] address, int addressLength)
        throws LastErrorException;

    int close(int fd) throws LastErrorException;
  }

  private final int fd;
  private final byte[] address;

  /** A socket that sends to {@code path}. */
  public UnixDatagram(String path) {
    byte[] name = path.getBytes(StandardCharsets.UTF_8);
    if (path.startsWith("@")) {
      name[0] = 0; // an abstract socket's name starts with a NUL byte
    }
    if (name.length >= SUN_PATH) {
      throw new IllegalArgumentException("path '" + path + "' is longer than " + (SUN_PATH - 1)
          + " bytes");
    }
    address = new byte[2 + name.length + (path.startsWith("@") ? 0 : 1)];
    address[0] = AF_UNIX; // sa_family_t, little-endian
    System.arraycopy(name, 0, address, 2, name.length);
    try {
      fd = LibC.INSTANCE.socket(AF_UNIX, SOCK_DGRAM, 0);
    } catch (LastErrorException e) {
      throw new UncheckedIOException(new java.io.IOException("socket(AF_UNIX, SOCK_DGRAM): " + e.getMessage()));
    }
  }

  /** Sends {@code datagram}; fails when nothing listens at the path. */
  public void send(byte[] datagram) {
    try {
      LibC.INSTANCE.sendto(fd, datagram, datagram.length, 0, address, address.length);
    } catch (LastErrorException e) {
      throw new UncheckedIOException(new java.io.IOException("sendto: " + e.getMessage()));
    }
  }

  /** Closes the socket. */
  @Override
  public void close() {
    try {
      LibC.INSTANCE.close(fd);
    } catch (LastErrorException e) {
      // a descriptor that cannot be closed was closed already
    }
  }
}
