package io.steelyard.lb;

import static java.util.Objects.requireNonNull;

import io.steelyard.lb.config.TcpKeepAlive;
import io.steelyard.lb.health.Check;
import io.steelyard.lb.schedule.Balance;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What a backend sets about reaching its servers, set on the backend itself ({@link
 * BackendBuilder}) or for every backend that leaves it unset ({@link DefaultsBuilder}), as
 * HAProxy's {@code defaults} section does. Each setting may be set once; a value out of range
 * fails at once with a message that names it. Only this package makes subclasses.
 *
 * @param <B> the builder's own type, which every setter returns
 */
public abstract class BackendSettingsBuilder<B extends BackendSettingsBuilder<B>> {
  /** The backend whose settings these are, or {@code null} for defaults. */
  private final @Nullable String proxy;
  /** How messages name the place, such as {@code backend 'bk': }. */
  private final String what;

  @Nullable Balance balance;
  @Nullable Duration connectTimeout;
  @Nullable Duration serverTimeout;
  @Nullable Duration queueTimeout;
  @Nullable Duration checkTimeout;
  @Nullable Check check;
  @Nullable Integer retries;
  @Nullable Boolean redispatch;
  @Nullable TcpKeepAlive serverKeepAlive;
  boolean serverKeepAliveSet;

  BackendSettingsBuilder(@Nullable String proxy, String what) {
    this.proxy = proxy;
    this.what = what;
  }

  /** The algorithm that picks a server for each connection; {@code roundrobin} by default. */
  public B balance(Balance balance) {
    Checks.unset(proxy, what + "balance", this.balance == null ? null : this.balance.name());
    this.balance = requireNonNull(balance, "balance");
    return self();
  }

  /**
   * The longest one connection attempt to a server may take; {@link Duration#ZERO} for no limit.
   */
  public B connectTimeout(Duration timeout) {
    Checks.unset(proxy, what + "connect timeout", connectTimeout);
    connectTimeout = Checks.timeoutOrNone(proxy, what + "connect timeout", timeout);
    return self();
  }

  /** The longest the server side of a connection may stay inactive; {@code ZERO}: no limit. */
  public B serverTimeout(Duration timeout) {
    Checks.unset(proxy, what + "server timeout", serverTimeout);
    serverTimeout = Checks.timeoutOrNone(proxy, what + "server timeout", timeout);
    return self();
  }

  /**
   * The longest a connection may wait in a queue for a free server; the connect timeout when not
   * set, {@link Duration#ZERO} for no limit.
   */
  public B queueTimeout(Duration timeout) {
    Checks.unset(proxy, what + "queue timeout", queueTimeout);
    queueTimeout = Checks.timeoutOrNone(proxy, what + "queue timeout", timeout);
    return self();
  }

  /**
   * Caps a health check's connection time at {@code min(connect timeout, inter)}, HAProxy's
   * {@code timeout check}; without it a check may take up to {@code inter}.
   */
  public B checkTimeout(Duration timeout) {
    Checks.unset(proxy, what + "check timeout", checkTimeout);
    checkTimeout = Checks.timeout(proxy, what + "check timeout", timeout);
    return self();
  }

  /**
   * What checks the servers with {@code check()} do, such as {@link Check#redis()}: a TCP
   * connection ({@link Check#connect()}) by default. HAProxy's check options, {@code option
   * redis-check} and the like, and {@code option tcp-check} with its rules. A server's own {@link
   * ServerBuilder#check(Check)} wins.
   */
  public B check(Check check) {
    Checks.unset(proxy, what + "check", this.check);
    this.check = requireNonNull(check, "check");
    return self();
  }

  /** How many more connection attempts follow a failed one, 0 to 100 (default 3). */
  public B retries(int retries) {
    Checks.unset(proxy, what + "retries", this.retries);
    this.retries = Checks.range(proxy, what + "retries", retries, 0, Checks.MAX_RETRIES);
    return self();
  }

  /**
   * Whether a failed connection may be retried on another server: on the last retry, or on any
   * retry once its server is no longer usable. HAProxy's {@code option redispatch}.
   */
  public B redispatch(boolean redispatch) {
    Checks.unset(proxy, what + "redispatch", this.redispatch);
    this.redispatch = redispatch;
    return self();
  }

  /**
   * TCP keep-alive probes on the connections to servers, HAProxy's {@code option srvtcpka}
   * ({@link TcpKeepAlive#SYSTEM} for the system's timings); {@code null} for none, which is the
   * default, also where the defaults set it.
   */
  public B serverKeepAlive(@Nullable TcpKeepAlive settings) {
    Checks.unset(proxy, what + "server keep-alive",
        serverKeepAliveSet ? String.valueOf(serverKeepAlive) : null);
    serverKeepAlive = settings;
    serverKeepAliveSet = true;
    return self();
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }
}
