package io.steelyard.launcher;

import java.nio.charset.StandardCharsets;

/**
 * Tells systemd how the service stands, as sd_notify(3) does for a {@code Type=notify} unit:
 * {@code READY=1} once it serves, {@code RELOADING=1} while it reloads (then {@code READY=1}
 * again), {@code STOPPING=1} when it stops, each a datagram to {@code $NOTIFY_SOCKET}. Without
 * that variable (not under systemd) it does nothing; a failed send is reported once and ignored,
 * for the service serves all the same.
 */
final class SystemdNotify {
  private final UnixDatagram socket;
  private boolean failed;

  private SystemdNotify(UnixDatagram socket) {
    this.socket = socket;
  }

  /** The notifier of {@code $NOTIFY_SOCKET}, or one that does nothing when it is not set. */
  static SystemdNotify fromEnvironment() {
    String path = System.getenv("NOTIFY_SOCKET");
    return new SystemdNotify(path == null || path.isEmpty() ? null : new UnixDatagram(path));
  }

  void ready() {
    send("READY=1\nMAINPID=" + ProcessHandle.current().pid() + "\nSTATUS=serving\n");
  }

  void reloading() {
    send("RELOADING=1\nSTATUS=reloading\n");
  }

  void stopping() {
    send("STOPPING=1\nSTATUS=stopping\n");
  }

  private synchronized void send(String state) {
    if (socket == null || failed) {
      return;
    }
    try {
      socket.send(state.getBytes(StandardCharsets.US_ASCII));
    } catch (RuntimeException e) {
      failed = true;
      System.err.println("[WARNING] cannot tell systemd (" + e.getMessage() + "): NOTIFY_SOCKET ignored");
    }
  }
}
