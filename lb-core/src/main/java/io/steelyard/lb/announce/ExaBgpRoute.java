package io.steelyard.lb.announce;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * A route to one address announced by ExaBGP: {@code announce route VIP/32 next-hop self} and
 * {@code withdraw route ...} through its command pipes ({@link ExaBgpCli}), to every neighbour
 * whose families take the route; next-hop self is each session's own address.
 */
final class ExaBgpRoute implements RouteDaemon {
  private final Path directory;
  private final String route;
  private @Nullable ExaBgpCli cli;

  ExaBgpRoute(Path directory, InetAddress address) {
    this.directory = requireNonNull(directory, "directory");
    this.route = address.getHostAddress() + (address instanceof Inet4Address ? "/32" : "/128")
        + " next-hop self";
  }

  @Override
  public String announce(boolean announced) throws IOException {
    String command = (announced ? "announce route " : "withdraw route ") + route;
    try {
      if (cli == null) {
        cli = ExaBgpCli.open(directory);
      }
      ExaBgpCli.Reply reply = cli.command(command);
      if (!reply.done()) {
        throw new IOException("ExaBGP refused '" + command + "'"
            + (reply.text().isEmpty() ? "" : ": " + reply.text()));
      }
      return reply.text().isEmpty() ? "done" : reply.text();
    } catch (IOException e) {
      close();
      throw new IOException("ExaBGP on " + directory + ": '" + command + "': " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (cli != null) {
      cli.close();
      cli = null;
    }
  }

  @Override
  public String toString() {
    return "ExaBGP route " + route + " through " + directory;
  }
}
