package io.steelyard.lb.peers;

import io.netty.channel.Channel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.steelyard.lb.config.PeerTls;
import io.steelyard.lb.config.PeersConfig;
import java.io.File;
import java.net.InetSocketAddress;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * The TLS contexts of a section with {@link PeerTls}, on the JDK's engine: one for the sessions
 * peers open (the client's certificate required and verified), one for those it opens (the
 * server's verified, its own presented). Only the chains are verified, not the names, as HAProxy's
 * {@code verify required} does without {@code verifyhost}. Built once, when the section starts.
 */
final class PeerTlsContexts {
  private final SslContext server;
  private final SslContext client;

  private PeerTlsContexts(SslContext server, SslContext client) {
    this.server = server;
    this.client = client;
  }

  /** The contexts of {@code config}'s TLS, or {@code null} when it has none. */
  static @Nullable PeerTlsContexts of(PeersConfig config) {
    PeerTls tls = config.tls();
    if (tls == null) {
      return null;
    }
    File pem = tls.certificateAndKey().toFile();
    File ca = tls.trustedCa().toFile();
    try {
      return new PeerTlsContexts(
          SslContextBuilder.forServer(pem, pem).sslProvider(SslProvider.JDK)
              .trustManager(ca).clientAuth(ClientAuth.REQUIRE).build(),
          SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
              .keyManager(pem, pem).trustManager(ca).endpointIdentificationAlgorithm(null).build());
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalStateException("peers '" + config.name() + "': cannot use the certificate '"
          + pem + "' and the CA file '" + ca + "': " + e.getMessage(), e);
    }
  }

  /** The handler of a session a peer opened on {@code channel}. */
  SslHandler server(Channel channel) {
    return server.newHandler(channel.alloc());
  }

  /** The handler of a session this side opens on {@code channel}. */
  SslHandler client(Channel channel) {
    InetSocketAddress remote = (InetSocketAddress) channel.remoteAddress();
    return remote == null
        ? client.newHandler(channel.alloc())
        : client.newHandler(channel.alloc(), remote.getHostString(), remote.getPort());
  }
}
