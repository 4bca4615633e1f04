package io.steelyard.lb;

import static java.util.Objects.requireNonNull;

import io.steelyard.lb.config.TcpKeepAlive;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Settings that every frontend and backend takes unless it sets its own, like HAProxy's {@code
 * defaults} section: {@code d -> d.connectTimeout(ofSeconds(5)).retries(3)}.
 *
 * <p>Where neither sets a value: connect timeout 5 s, client and server timeouts 50 s, 3 retries,
 * no redispatch, {@code roundrobin}, no frontend maxconn. (HAProxy waits forever when a timeout is
 * missing and warns; a library should not leak connections by default, so Steelyard takes the
 * values of HAProxy's own example configuration instead.) A connect, client, server or queue
 * timeout of {@link Duration#ZERO} is none, as HAProxy's {@code 0}: that wait is not limited.
 */
public final class DefaultsBuilder extends BackendSettingsBuilder<DefaultsBuilder> {
  /** The connect timeout where none is set. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** The client timeout where none is set. */
  public static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(50);
  /** The server timeout where none is set. */
  public static final Duration SERVER_TIMEOUT = Duration.ofSeconds(50);
  /** The retries where none are set, as in HAProxy. */
  public static final int RETRIES = 3;

  private static final String WHAT = "defaults: ";

  @Nullable Duration clientTimeout;
  @Nullable Integer maxConn;
  @Nullable TcpKeepAlive clientKeepAlive;

  DefaultsBuilder() {
    super(null, WHAT);
  }

  /** The longest the client side of a connection may stay inactive; {@code ZERO}: no limit. */
  public DefaultsBuilder clientTimeout(Duration timeout) {
    Checks.unset(null, WHAT + "client timeout", clientTimeout);
    clientTimeout = Checks.timeoutOrNone(null, WHAT + "client timeout", timeout);
    return this;
  }

  /** The most concurrent connections of frontends that set none; 0 means no limit. */
  public DefaultsBuilder maxConn(int maxConn) {
    Checks.unset(null, WHAT + "maxconn", this.maxConn);
    this.maxConn = Checks.range(null, WHAT + "maxconn", maxConn, 0, Integer.MAX_VALUE);
    return this;
  }

  /**
   * TCP keep-alive probes on the clients' sockets of frontends that set nothing, HAProxy's {@code
   * option clitcpka} in {@code defaults}.
   */
  public DefaultsBuilder clientKeepAlive(TcpKeepAlive settings) {
    Checks.unset(null, WHAT + "client keep-alive", clientKeepAlive);
    clientKeepAlive = requireNonNull(settings, "settings");
    return this;
  }
}
