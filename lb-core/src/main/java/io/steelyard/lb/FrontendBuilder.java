package io.steelyard.lb;

import static java.util.Objects.requireNonNull;

import io.steelyard.lb.config.FrontendConfig;
import io.steelyard.lb.config.TrafficLogging;
import io.steelyard.lb.log.LogFormat;
import io.steelyard.lb.log.LogSink;
import io.steelyard.lb.config.TcpKeepAlive;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A frontend: where it listens and which backend takes its connections.
 *
 * <pre>{@code
 * f -> f.bind(":80").bind("[::]:80").defaultBackend("bk_http").maxConn(10_000)
 * }</pre>
 *
 * <p>Bind addresses are written as in HAProxy: {@code :80} or {@code *:80} for every IPv4 address,
 * {@code [::]:80} for every IPv6 address, {@code 127.0.0.1:0} for a free port on loopback.
 */
public final class FrontendBuilder {
  private final String name;
  private final String what;
  private final List<InetSocketAddress> binds = new ArrayList<>();
  private @Nullable String defaultBackend;
  private @Nullable Integer maxConn;
  private @Nullable Duration clientTimeout;
  private boolean transparent;
  private @Nullable TcpKeepAlive clientKeepAlive;
  private boolean clientKeepAliveSet;
  private @Nullable LogSink logSink;
  private boolean dontLogNull;
  private @Nullable LogFormat logFormat;

  FrontendBuilder(String name) {
    this.name = name;
    this.what = "frontend '" + name + "': ";
  }

  /**
   * Logs each finished connection in HAProxy's tcplog format ({@link io.steelyard.lb.log.LogLine})
   * on the SLF4J logger {@code io.steelyard.lb.traffic}. Without it, or {@link #log(LogSink)},
   * nothing is logged per connection, as in HAProxy without a {@code log} line.
   */
  public FrontendBuilder log() {
    return log(LogSink.slf4j());
  }

  /** Logs each finished connection to {@code sink}, on the balancer's logging thread. */
  public FrontendBuilder log(LogSink sink) {
    Checks.unset(name, what + "log", logSink);
    logSink = requireNonNull(sink, "sink");
    return this;
  }

  /**
   * Writes each connection's line in {@code format}, HAProxy's {@code log-format} language (see
   * {@link LogFormat}), rather than tcplog; meaningful with {@link #log()}.
   *
   * @throws ConfigException naming the variable that is not understood
   */
  public FrontendBuilder logFormat(String format) {
    Checks.unset(name, what + "log format", logFormat);
    try {
      logFormat = LogFormat.parse(requireNonNull(format, "format"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(name, what + e.getMessage());
    }
    return this;
  }

  /**
   * Leaves out of the log the connections whose client sent nothing (HAProxy's {@code option
   * dontlognull}); meaningful with {@link #log()}.
   */
  public FrontendBuilder dontLogNull() {
    dontLogNull = true;
    return this;
  }

  /** Listens on {@code address}; may be called for several addresses. */
  public FrontendBuilder bind(String address) {
    binds.add(Addresses.bind(name, what + "bind", address));
    return this;
  }

  /** The backend that receives this frontend's connections. */
  public FrontendBuilder defaultBackend(String backend) {
    Checks.unset(name, what + "default backend", defaultBackend);
    defaultBackend = Checks.name("backend", backend);
    return this;
  }

  /**
   * The most concurrent connections; further clients wait in the kernel's accept queue until one
   * ends. 0 means no limit other than the balancer's.
   */
  public FrontendBuilder maxConn(int maxConn) {
    Checks.unset(name, what + "maxconn", this.maxConn);
    this.maxConn = Checks.range(name, what + "maxconn", maxConn, 0, Integer.MAX_VALUE);
    return this;
  }

  /**
   * The longest the client side of a connection may stay inactive; {@link Duration#ZERO} for no
   * limit.
   */
  public FrontendBuilder clientTimeout(Duration timeout) {
    Checks.unset(name, what + "client timeout", clientTimeout);
    clientTimeout = Checks.timeoutOrNone(name, what + "client timeout", timeout);
    return this;
  }

  /**
   * Accepts connections to addresses that are not local, diverted to the balancer by the TPROXY
   * routing rules (HAProxy's {@code bind ... transparent}); needs the TPROXY transport.
   */
  public FrontendBuilder transparent() {
    transparent = true;
    return this;
  }

  /**
   * TCP keep-alive probes on its clients' sockets, HAProxy's {@code option clitcpka} ({@link
   * TcpKeepAlive#SYSTEM} for the system's timings); {@code null} for none, also where the
   * defaults set it. None by default.
   */
  public FrontendBuilder clientKeepAlive(@Nullable TcpKeepAlive settings) {
    Checks.unset(name, what + "client keep-alive",
        clientKeepAliveSet ? String.valueOf(clientKeepAlive) : null);
    clientKeepAlive = settings;
    clientKeepAliveSet = true;
    return this;
  }

  FrontendConfig build(DefaultsBuilder defaults, java.util.Set<String> backends) {
    if (binds.isEmpty()) {
      throw new ConfigException(name, what + "has no bind address");
    }
    if (defaultBackend == null) {
      throw new ConfigException(name, what + "has no default backend");
    }
    if (!backends.contains(defaultBackend)) {
      throw new ConfigException(
          name, what + "unable to find required default backend '" + defaultBackend + "'");
    }
    return new FrontendConfig(
        name,
        List.copyOf(binds),
        defaultBackend,
        Checks.first(maxConn, defaults.maxConn, 0),
        Checks.first(clientTimeout, defaults.clientTimeout, DefaultsBuilder.CLIENT_TIMEOUT),
        transparent,
        clientKeepAliveSet ? clientKeepAlive : defaults.clientKeepAlive,
        logSink == null ? null : new TrafficLogging(
            logSink, dontLogNull, logFormat == null ? LogFormat.TCPLOG : logFormat));
  }
}
