package io.steelyard.lb.health;

import java.net.InetAddress;

/**
 * Opens the check's connection, HAProxy's {@code tcp-check connect}: to the server's address and
 * port (its check port when it has one), or to {@link #port} and {@link #address} when they are
 * given; over TLS with {@link #ssl}, naming {@link #sni} in the handshake when given. A check
 * whose first step is not a connection opens one to the server first; a later connection step
 * closes the one before it.
 *
 * @param port the port to connect to, 1 to 65535; 0 for the server's
 * @param address the address to connect to; {@code null} for the server's
 * @param ssl whether the connection is TLS, as with the server's {@code check-ssl}
 * @param sni the server name of the TLS handshake, or {@code null}
 * @param comment quoted when the step fails, or {@code null}
 */
public record CheckConnect(int port, InetAddress address, boolean ssl, String sni, String comment)
    implements CheckRule {

  /** A connection to the server, as it is checked. */
  public static final CheckConnect SERVER = new CheckConnect(0, null, false, null, null);

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
    return new CheckConnect(port, address, ssl, sni, comment);
  }

  /** This step, to {@code address}. */
  public CheckConnect address(InetAddress address) {
    return new CheckConnect(port, java.util.Objects.requireNonNull(address), ssl, sni, comment);
  }

  /** This step, over TLS ({@code ssl}). */
  public CheckConnect tls() {
    return new CheckConnect(port, address, true, sni, comment);
  }

  /** This step, over TLS naming {@code sni} in the handshake. */
  public CheckConnect sni(String sni) {
    return new CheckConnect(port, address, true, java.util.Objects.requireNonNull(sni), comment);
  }

  /** This step, quoting {@code comment} when it fails. */
  public CheckConnect comment(String comment) {
    return new CheckConnect(port, address, ssl, sni, comment);
  }
}
