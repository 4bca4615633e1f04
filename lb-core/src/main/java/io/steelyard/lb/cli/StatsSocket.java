package io.steelyard.lb.cli;

import static java.util.Objects.requireNonNull;

import io.netty.util.NetUtil;
import io.steelyard.lb.Attachment;
import io.steelyard.lb.Balancer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * HAProxy 2.6's runtime API ({@code stats socket}) for a {@link Balancer}: the commands, answers
 * and error messages of HAProxy's CLI, so that {@code socat}, {@code hatop} and existing scripts
 * work unchanged.
 *
 * <pre>{@code
 * Balancer lb = Balancer.builder()
 *     ...
 *     .attach(StatsSocket.unix(Path.of("/run/steelyard/admin.sock")).mode(0660).level(Level.ADMIN))
 *     .start();
 * }</pre>
 *
 * <p><b>Protocol</b>, as HAProxy's: a client sends a line of commands separated by {@code ;}
 * (a backslash escapes the next character); each command's answer ends with an empty line. Without
 * {@code prompt} the connection closes after the answers to what it sent; {@code prompt} makes it
 * interactive, each answer then followed by the {@code > } prompt, until {@code quit}. A
 * connection idle for {@link #timeout} closes ({@code set timeout cli} changes it for that
 * connection). A line longer than {@value #MAX_LINE} bytes (HAProxy's {@code bufsize}) closes the
 * connection without an answer, as HAProxy does; what has been read of it is discarded as it
 * arrives, so a line of any length costs at most that much memory. A client that does not read
 * its answers is not read either until it does.
 *
 * <p><b>Commands</b>: {@code help}, {@code prompt}, {@code quit}, {@code set timeout cli},
 * {@code operator}, {@code user}, {@code show cli level}, {@code show info}, {@code show stat}
 * (fields and differences: {@code StatCsv}), {@code show table}, {@code clear table} ({@code
 * TableCommands}), {@code disable server}, {@code enable server}, {@code set server B/S
 * state|weight}, {@code set weight}, {@code get weight}, {@code shutdown sessions server} ({@code
 * ServerCommands}). An
 * unknown command answers HAProxy's {@code Unknown command} with the commands that start with
 * the same word (HAProxy picks its suggestions by a word distance instead).
 *
 * <p><b>Levels</b> ({@link Level}): changing a server needs {@code admin} and otherwise answers
 * {@code Permission denied}; stick-table contents and clearing need {@code operator}, and below it
 * are silently not shown or not cleared, as in HAProxy.
 *
 * <p><b>Threads.</b> The socket has its own single NIO event loop rather than the balancer's: the
 * balancer's loops are not part of its public face, a slow client or a large answer never runs on
 * a loop that forwards traffic, and NIO serves Unix-domain sockets through the JDK's {@code
 * UnixDomainSocketAddress} on any transport. At most {@link #maxConn} clients are served at once;
 * more wait in the listen backlog, as with HAProxy's {@code stats maxconn}.
 */
public final class StatsSocket implements Attachment {
  /** The longest command line, in bytes with its newline: HAProxy's default {@code bufsize}. */
  public static final int MAX_LINE = 16 * 1024;

  /** The idle timeout of a connection when not set, HAProxy's default {@code stats timeout}. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** The most clients served at once when not set, HAProxy's default {@code stats maxconn}. */
  public static final int DEFAULT_MAX_CONN = 10;

  private final @Nullable Path path;
  private final @Nullable InetSocketAddress tcp;
  private @Nullable Integer mode;
  private @Nullable Level level;
  private @Nullable Duration timeout;
  private @Nullable Integer maxConn;

  private StatsSocket(@Nullable Path path, @Nullable InetSocketAddress tcp) {
    this.path = path;
    this.tcp = tcp;
  }

  /**
   * A Unix-domain socket at {@code path}. At start it binds a temporary name next to it, applies
   * {@link #mode}, then renames it to {@code path}, replacing a stale socket left there, as
   * HAProxy does; a {@code path} that exists and is not a socket is an error, and so is a missing
   * directory. Closing removes the file.
   */
  public static StatsSocket unix(Path path) {
    return new StatsSocket(requireNonNull(path, "path").toAbsolutePath(), null);
  }

  /**
   * A TCP socket on a loopback address, such as {@code 127.0.0.1:9999} or {@code [::1]:9999}.
   * Only loopback: the runtime API has no authentication.
   *
   * @throws IllegalArgumentException naming the value when it is not a literal loopback address
   *     with a port
   */
  public static StatsSocket tcp(String hostPort) {
    requireNonNull(hostPort, "hostPort");
    int colon = hostPort.lastIndexOf(':');
    String host = colon < 0 ? "" : hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    byte[] bytes = colon < 0 ? null : NetUtil.createByteArrayFromIpAddressString(host);
    int port;
    try {
      port = colon < 0 ? -1 : Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (bytes == null || port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          "stats socket address must be a loopback address and port such as 127.0.0.1:9999: '"
              + hostPort + "'");
    }
    try {
      return tcp(new InetSocketAddress(InetAddress.getByAddress(bytes), port));
    } catch (IOException e) {
      throw new AssertionError("an address of 4 or 16 bytes is valid", e);
    }
  }

  /** A TCP socket on {@code address}, which must be a loopback address. */
  public static StatsSocket tcp(InetSocketAddress address) {
    requireNonNull(address, "address");
    if (address.getAddress() == null || !address.getAddress().isLoopbackAddress()) {
      throw new IllegalArgumentException(
          "stats socket address must be a loopback address (the runtime API has no"
              + " authentication): " + address);
    }
    return new StatsSocket(null, address);
  }

  /**
   * The permissions of the socket file, such as {@code 0660} (HAProxy's {@code mode 660}, octal);
   * without it, the process's umask decides. Unix-domain sockets only.
   */
  public StatsSocket mode(int mode) {
    if (path == null) {
      throw new IllegalStateException("stats socket mode applies to a Unix-domain socket, not to " + tcp);
    }
    if (this.mode != null) {
      throw new IllegalStateException("stats socket mode was already set to 0" + Integer.toOctalString(this.mode));
    }
    if (mode < 0 || mode > 0777) {
      throw new IllegalArgumentException(
          "stats socket mode must be 0 to 0777 (octal): 0" + Integer.toOctalString(mode));
    }
    this.mode = mode;
    return this;
  }

  /** What its clients may do; {@link Level#OPERATOR} when not set, as in HAProxy. */
  public StatsSocket level(Level level) {
    if (this.level != null) {
      throw new IllegalStateException("stats socket level was already set to " + this.level.keyword());
    }
    this.level = requireNonNull(level, "level");
    return this;
  }

  /**
   * How long a connection may stay idle before it is closed, HAProxy's {@code stats timeout};
   * {@link #DEFAULT_TIMEOUT} when not set.
   */
  public StatsSocket timeout(Duration timeout) {
    requireNonNull(timeout, "timeout");
    if (this.timeout != null) {
      throw new IllegalStateException("stats socket timeout was already set to " + this.timeout);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("stats socket timeout must be > 0: " + timeout);
    }
    this.timeout = timeout;
    return this;
  }

  /** The most clients served at once, 1 or more; {@link #DEFAULT_MAX_CONN} when not set. */
  public StatsSocket maxConn(int maxConn) {
    if (this.maxConn != null) {
      throw new IllegalStateException("stats socket maxconn was already set to " + this.maxConn);
    }
    if (maxConn < 1) {
      throw new IllegalArgumentException("stats socket maxconn must be >= 1: " + maxConn);
    }
    this.maxConn = maxConn;
    return this;
  }

  /**
   * Starts listening.
   *
   * @throws IOException when the socket cannot be bound, its directory is missing, or its path is
   *     taken by something that is not a socket
   */
  @Override
  public AutoCloseable attach(Balancer balancer) throws IOException {
    return CliServer.start(
        requireNonNull(balancer, "balancer"),
        path,
        tcp,
        mode,
        level == null ? Level.OPERATOR : level,
        timeout == null ? DEFAULT_TIMEOUT : timeout,
        maxConn == null ? DEFAULT_MAX_CONN : maxConn);
  }

  @Override
  public String toString() {
    if (path != null) {
      return "stats socket " + path;
    }
    InetSocketAddress address = requireNonNull(tcp, "a stats socket has a path or an address");
    return "stats socket " + address.getAddress().getHostAddress() + ":" + address.getPort();
  }
}
