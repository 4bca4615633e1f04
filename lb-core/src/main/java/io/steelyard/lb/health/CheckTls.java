package io.steelyard.lb.health;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;

/**
 * How a check makes its TLS connections, HAProxy's {@code check-ssl} with {@code verify}, {@code
 * ca-file} and {@code check-sni}: on the JDK's TLS engine, either trusting any certificate ({@link
 * #verifyNone()}) or requiring one signed by a certificate of {@link #verifyWith(Path)}'s file,
 * and then, when an SNI is sent, naming that host. Every connection of the check is TLS, unless
 * {@link #onlyWhereAsked()} keeps it to the connection steps that ask for it.
 */
public final class CheckTls {
  private final @Nullable Path caFile;
  private final SslContext context;
  private final @Nullable String sni;
  private final boolean everyConnection;

  private CheckTls(
      @Nullable Path caFile, SslContext context, @Nullable String sni, boolean everyConnection) {
    this.caFile = caFile;
    this.context = context;
    this.sni = sni;
    this.everyConnection = everyConnection;
  }

  private CheckTls(@Nullable Path caFile) {
    this.caFile = caFile;
    this.sni = null;
    this.everyConnection = true;
    try {
      SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
      if (caFile == null) {
        builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
      } else {
        builder.trustManager(caFile.toFile());
      }
      this.context = builder.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "ca-file '" + caFile + "' cannot be read as PEM certificates: " + e.getMessage(), e);
    }
  }

  /** TLS that takes any certificate ({@code verify none}). */
  public static CheckTls verifyNone() {
    return new CheckTls(null);
  }

  /** TLS that requires a certificate signed by one in {@code caFile} ({@code verify required}). */
  public static CheckTls verifyWith(Path caFile) {
    if (!Files.isReadable(caFile)) {
      throw new IllegalArgumentException("ca-file '" + caFile + "' cannot be read");
    }
    return new CheckTls(caFile);
  }

  /** These settings, naming {@code sni} in the handshake ({@code check-sni}). */
  public CheckTls sni(String sni) {
    if (sni.isEmpty()) {
      throw new IllegalArgumentException("check-sni must not be empty");
    }
    return new CheckTls(caFile, context, sni, everyConnection);
  }

  /** These settings, for the connection steps that ask for TLS only (no {@code check-ssl}). */
  public CheckTls onlyWhereAsked() {
    return new CheckTls(caFile, context, sni, false);
  }

  /** The name sent in the handshake, or {@code null}. */
  public @Nullable String sni() {
    return sni;
  }

  /** Whether every connection of the check is TLS ({@code check-ssl}). */
  public boolean everyConnection() {
    return everyConnection;
  }

  /** The CA file certificates are verified with, or {@code null} for {@code verify none}. */
  public @Nullable Path caFile() {
    return caFile;
  }

  /** A client handler for one connection to {@code server}, naming {@code sni} when not null. */
  SslHandler handler(ByteBufAllocator alloc, @Nullable String sni, InetSocketAddress server) {
    SSLEngine engine =
        sni == null
            ? context.newEngine(alloc)
            : context.newEngine(alloc, sni, server.getPort());
    if (sni != null && caFile != null) {
      SSLParameters parameters = engine.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      engine.setSSLParameters(parameters);
    }
    return new SslHandler(engine);
  }

  @Override
  public String toString() {
    return (everyConnection ? "check-ssl " : "")
        + (caFile == null ? "verify none" : "verify required ca-file " + caFile)
        + (sni == null ? "" : " check-sni " + sni);
  }
}
