package io.steelyard.lb;

import io.steelyard.lb.schedule.Balance;
import java.time.Duration;

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
public final class DefaultsBuilder {
  /** The connect timeout where none is set. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** The client timeout where none is set. */
  public static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(50);
  /** The server timeout where none is set. */
  public static final Duration SERVER_TIMEOUT = Duration.ofSeconds(50);
  /** The retries where none are set, as in HAProxy. */
  public static final int RETRIES = 3;

  private static final String WHAT = "defaults: ";

  Duration connectTimeout;
  Duration clientTimeout;
  Duration serverTimeout;
  Duration queueTimeout;
  Duration checkTimeout;
  Integer retries;
  Boolean redispatch;
  Balance balance;
  Integer maxConn;

  DefaultsBuilder() {}

  /**
   * The longest one connection attempt to a server may take; {@link Duration#ZERO} for no limit.
   */
  public DefaultsBuilder connectTimeout(Duration timeout) {
    Checks.unset(null, WHAT + "connect timeout", connectTimeout);
    connectTimeout = Checks.timeoutOrNone(null, WHAT + "connect timeout", timeout);
    return this;
  }

  /** The longest the client side of a connection may stay inactive; {@code ZERO}: no limit. */
  public DefaultsBuilder clientTimeout(Duration timeout) {
    Checks.unset(null, WHAT + "client timeout", clientTimeout);
    clientTimeout = Checks.timeoutOrNone(null, WHAT + "client timeout", timeout);
    return this;
  }

  /** The longest the server side of a connection may stay inactive; {@code ZERO}: no limit. */
  public DefaultsBuilder serverTimeout(Duration timeout) {
    Checks.unset(null, WHAT + "server timeout", serverTimeout);
    serverTimeout = Checks.timeoutOrNone(null, WHAT + "server timeout", timeout);
    return this;
  }

  /**
   * The longest a connection may wait in a queue; the connect timeout when not set, {@code ZERO}
   * for no limit.
   */
  public DefaultsBuilder queueTimeout(Duration timeout) {
    Checks.unset(null, WHAT + "queue timeout", queueTimeout);
    queueTimeout = Checks.timeoutOrNone(null, WHAT + "queue timeout", timeout);
    return this;
  }

  /** HAProxy's {@code timeout check}: caps a check at {@code min(connect timeout, inter)}. */
  public DefaultsBuilder checkTimeout(Duration timeout) {
    Checks.unset(null, WHAT + "check timeout", checkTimeout);
    checkTimeout = Checks.timeout(null, WHAT + "check timeout", timeout);
    return this;
  }

  /** How many more connection attempts follow a failed one, 0 to 100. */
  public DefaultsBuilder retries(int retries) {
    Checks.unset(null, WHAT + "retries", this.retries);
    this.retries = Checks.range(null, WHAT + "retries", retries, 0, Checks.MAX_RETRIES);
    return this;
  }

  /** Whether the last retry may go to another server (HAProxy's {@code option redispatch}). */
  public DefaultsBuilder redispatch(boolean redispatch) {
    Checks.unset(null, WHAT + "redispatch", this.redispatch);
    this.redispatch = redispatch;
    return this;
  }

  /** The algorithm of backends that set none. */
  public DefaultsBuilder balance(Balance balance) {
    Checks.unset(null, WHAT + "balance", this.balance == null ? null : this.balance.name());
    this.balance = java.util.Objects.requireNonNull(balance, "balance");
    return this;
  }

  /** The most concurrent connections of frontends that set none; 0 means no limit. */
  public DefaultsBuilder maxConn(int maxConn) {
    Checks.unset(null, WHAT + "maxconn", this.maxConn);
    this.maxConn = Checks.range(null, WHAT + "maxconn", maxConn, 0, Integer.MAX_VALUE);
    return this;
  }
}
