package io.steelyard.lb.health;

import java.net.InetAddress;
import org.jspecify.annotations.Nullable;

/**
 * Opens the check's connection, HAProxy's {@code tcp-check connect}: to the server's address and
 * port (its check port when it has one), or to {@link #port} and {@link #address} when they are
 * given; over TLS with {@link #ssl}, naming {@link #sni} in the handshake when given; starting
 * with a PROXY protocol line with {@link #sendProxy}, as HAProxy's checks write it ({@code PROXY
 * TCP4 <local> <server> <local port> <server port>}). With {@link #serverDefaults} (HAProxy's
 * {@code default}, and the connection a check opens first when its steps do not start with one),
 * the server's own check settings apply too: {@code check-ssl}, {@code check-sni} and {@code
 * check-send-proxy}. A later connection step closes the one before it.
 *
 * @param port the port to connect to, 1 to 65535; 0 for the server's
 * @param address the address to connect to; {@code null} for the server's
 * @param ssl whether the connection is TLS
 * @param sni the server name of the TLS handshake, or {@code null}
 * @param sendProxy whether it starts with a PROXY protocol (version 1) line
 * @param serverDefaults whether the server's check settings apply too
 * @param comment quoted when the step fails, or {@code null}
 */
public record CheckConnect(
    int port,
    @Nullable InetAddress address,
    boolean ssl,
    @Nullable String sni,
    boolean sendProxy,
    boolean serverDefaults,
    @Nullable String comment)
    implements CheckRule {

  /** A connection to the server, as its checks connect ({@code tcp-check connect default}). */
  public static final CheckConnect SERVER = new CheckConnect(0, null, false, null, false, true, null);

  /** A connection to the server with only the settings this step gives ({@code tcp-check connect}). */
  public static final CheckConnect BARE = new CheckConnect(0, null, false, null, false, false, null);

  public CheckConnect {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("connect port must be 1 to 65535: " + port);
    }
    if (sni != null && !ssl) {
      throw new IllegalArgumentException("connect sni '" + sni + "' needs ssl");
    }
  }

  /** This step, to {@code port}. */
  public CheckConnect port(int port) {
    if (port < 1) {
      throw new IllegalArgumentException("connect port must be 1 to 65535: " + port);
    }
    return new CheckConnect(port, address, ssl, sni, sendProxy, serverDefaults, comment);
  }

  /** This step, to {@code address}. */
  public CheckConnect address(InetAddress address) {
    return new CheckConnect(
        port, java.util.Objects.requireNonNull(address), ssl, sni, sendProxy, serverDefaults,
        comment);
  }

  /** This step, over TLS ({@code ssl}). */
  public CheckConnect tls() {
    return new CheckConnect(port, address, true, sni, sendProxy, serverDefaults, comment);
  }

  /** This step, over TLS naming {@code sni} in the handshake. */
  public CheckConnect sni(String sni) {
    return new CheckConnect(
        port, address, true, java.util.Objects.requireNonNull(sni), sendProxy, serverDefaults,
        comment);
  }

  /** This step, starting with a PROXY protocol line ({@code send-proxy}). */
  public CheckConnect proxyHeader() {
    return new CheckConnect(port, address, ssl, sni, true, serverDefaults, comment);
  }

  /** This step, with the server's check settings too ({@code default}). */
  public CheckConnect withServerDefaults() {
    return new CheckConnect(port, address, ssl, sni, sendProxy, true, comment);
  }

  /** This step, quoting {@code comment} when it fails. */
  public CheckConnect comment(String comment) {
    return new CheckConnect(port, address, ssl, sni, sendProxy, serverDefaults, comment);
  }
}
