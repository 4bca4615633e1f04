package io.steelyard.lb.announce;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * A route announced by BIRD 2 while its protocol {@code protocol} is enabled: {@code enable} and
 * {@code disable} on BIRD's control socket, the protocol being a static route to the VIP that the
 * BGP sessions export. A BIRD that restarted is connected to again at the next command.
 */
final class BirdProtocol implements RouteDaemon {
  private final Path socket;
  private final String protocol;
  private @Nullable BirdControl control;

  BirdProtocol(Path socket, String protocol) {
    this.socket = requireNonNull(socket, "socket");
    this.protocol = requireNonNull(protocol, "protocol");
    if (!protocol.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("BIRD protocol name '" + protocol + "' is not a BIRD symbol");
    }
  }

  @Override
  public String announce(boolean announced) throws IOException {
    String command = (announced ? "enable " : "disable ") + protocol;
    BirdControl.Reply reply = send(command);
    if (!reply.ok()) {
      throw new IOException("BIRD on " + socket + ": '" + command + "': " + reply.text());
    }
    return reply.text();
  }

  /** Sends {@code command}, connecting (again) when needed: once more if the connection broke. */
  private BirdControl.Reply send(String command) throws IOException {
    for (int attempt = 0; ; attempt++) {
      try {
        if (control == null) {
          control = BirdControl.connect(socket);
        }
        return control.command(command);
      } catch (IOException e) {
        close();
        if (attempt > 0) {
          throw new IOException("BIRD on " + socket + ": '" + command + "': " + e.getMessage(), e);
        }
      }
    }
  }

  @Override
  public void close() {
    if (control != null) {
      control.close();
      control = null;
    }
  }

  @Override
  public String toString() {
    return "BIRD protocol '" + protocol + "' on " + socket;
  }
}
