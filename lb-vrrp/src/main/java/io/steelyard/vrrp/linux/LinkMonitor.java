package io.steelyard.vrrp.linux;

import com.sun.jna.LastErrorException;
import java.io.IOException;

/**
 * Hears of link changes as keepalived does, through a {@code NETLINK_ROUTE} socket subscribed to
 * the {@code RTNLGRP_LINK} group: the kernel writes to it whenever an interface of the namespace
 * goes up or down, gains or loses its carrier. The runner waits on {@link #fd()} beside its VRRP
 * socket; when it is readable, {@link #drain()} empties it and the runner reads the interface's
 * flags anew ({@link LinuxInterface#running()}), which is simpler than decoding each message and
 * right even when the socket overran.
 */
final class LinkMonitor implements AutoCloseable {
  private static final int RTMGRP_LINK = 0x1;
  private static final int SOCK_NONBLOCK = 0x800;
  private static final int ENOBUFS = 105;

  private final int fd;
  private final byte[] buffer = new byte[8192];
  private boolean closed;

  private LinkMonitor(int fd) {
    this.fd = fd;
  }

  /** Subscribes, in the calling thread's network namespace; needs no privilege. */
  static LinkMonitor open() throws IOException {
    int fd = Rtnetlink.socket(SOCK_NONBLOCK);
    try {
      Rtnetlink.bind(fd, RTMGRP_LINK);
    } catch (LastErrorException e) {
      LibC.INSTANCE.close(fd);
      throw new IOException("subscribing to link changes failed: "
          + LibC.describe(e.getErrorCode()), e);
    }
    return new LinkMonitor(fd);
  }

  /** The descriptor to wait on: readable when a change was reported. */
  int fd() {
    return fd;
  }

  /** Reads and discards every pending message; an overrun ({@code ENOBUFS}) is just cleared. */
  void drain() throws IOException {
    while (true) {
      try {
        if (LibC.INSTANCE.recv(fd, buffer, buffer.length, 0) <= 0) {
          return;
        }
      } catch (LastErrorException e) {
        int errno = e.getErrorCode();
        if (errno == LibC.EAGAIN) {
          return;
        }
        if (errno != ENOBUFS && errno != LibC.EINTR) {
          throw new IOException("reading link changes failed: " + LibC.describe(errno), e);
        }
      }
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      LibC.INSTANCE.close(fd);
    }
  }
}
