package io.steelyard.lb.health;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How one server is checked, with HAProxy's names and defaults: {@code check}'s steps (a TCP
 * connection by default), over TLS where a connection step asks for it or {@code tls} is set for
 * the whole check ({@code check-ssl}), every {@code inter} (2 s) while the server is steady, every {@code fastInter} while it is changing state,
 * every {@code downInter} while it is fully down (both default to {@code inter}); {@code rise}
 * (2) passed checks in a row bring it up, {@code fall} (3) failed ones take it down. A server
 * starts up but goes down at its first failed check.
 *
 * <p>With {@code observeLayer4}, live connections count too: after {@code errorLimit} (10)
 * failed connections in a row, {@code onError} applies. With {@code shutdownSessionsOnDown}, the
 * server's open connections are closed when it goes down (HAProxy's {@code on-marked-down
 * shutdown-sessions}).
 *
 * @param check what a check does, {@link Check#connect()} for a TCP connection
 * @param tls how its TLS connections are made; {@code null} when none is
 * @param address where checks connect, HAProxy's {@code addr}; {@code null} for the server's
 * @param port the port checks connect to, HAProxy's {@code port}; 0 for the server's
 * @param sendProxy whether checks start with a PROXY protocol line, HAProxy's {@code
 *     check-send-proxy} (for the connection steps that take the server's settings)
 * @param timeout the longest a check may take once connected, HAProxy's {@code timeout check};
 *     {@code null} to use {@code inter} for the whole check, as HAProxy does when it is not set
 */
public record CheckSettings(
    Check check,
    @Nullable CheckTls tls,
    @Nullable InetAddress address,
    int port,
    boolean sendProxy,
    Duration inter,
    Duration fastInter,
    Duration downInter,
    int rise,
    int fall,
    @Nullable Duration timeout,
    boolean observeLayer4,
    int errorLimit,
    OnError onError,
    boolean shutdownSessionsOnDown) {

  public static final Duration DEFAULT_INTER = Duration.ofSeconds(2);
  public static final int DEFAULT_RISE = 2;
  public static final int DEFAULT_FALL = 3;
  public static final int DEFAULT_ERROR_LIMIT = 10;

  /** Checks that a check with TLS steps knows how to make them. */
  public CheckSettings {
    java.util.Objects.requireNonNull(check, "check");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("check port must be 1 to 65535: " + port);
    }
    if (tls == null
        && check.rules().stream().anyMatch(r -> r instanceof CheckConnect c && c.ssl())) {
      throw new IllegalArgumentException(
          "check '" + check.name() + "' connects over TLS but no TLS settings are given");
    }
  }

  /** Where the checks of the server at {@code server} connect, unless a step says otherwise. */
  public InetSocketAddress target(InetSocketAddress server) {
    if (address == null && port == 0) {
      return server;
    }
    return new InetSocketAddress(
        address == null ? server.getAddress() : address, port == 0 ? server.getPort() : port);
  }

  /**
   * The connect timeout of one check: {@code min(connect timeout, inter)} when {@code timeout
   * check} is set and the connect timeout is not 0 (none), else {@code inter} (HAProxy's rule). It
   * covers the TLS handshake too.
   */
  public Duration checkTimeout(Duration connectTimeout) {
    if (timeout == null || connectTimeout.isZero()) {
      return inter;
    }
    return connectTimeout.compareTo(inter) < 0 ? connectTimeout : inter;
  }
}
