package io.steelyard.lb.forward;

import io.netty.channel.unix.Errors;
import io.netty.channel.unix.Errors.NativeIoException;
import java.io.IOException;
import java.net.SocketException;

/**
 * Tells a reset by the peer ({@code ECONNRESET}) from other socket failures, so that a session
 * passes a reset on as a reset. Netty's native transports report the errno itself; the JDK's NIO
 * has no type of its own for it, and reports it in two fixed wordings: a {@link SocketException}
 * "Connection reset" when reading and the system's "Connection reset by peer" when writing.
 */
final class Resets {
  private Resets() {}

  static boolean isReset(Throwable cause) {
    if (cause instanceof NativeIoException nativeError) {
      return nativeError.expectedErr() == Errors.ERRNO_ECONNRESET_NEGATIVE;
    }
    if (cause instanceof SocketException) {
      return "Connection reset".equals(cause.getMessage());
    }
    return cause instanceof IOException && "Connection reset by peer".equals(cause.getMessage());
  }
}
