package io.steelyard.lb.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate for {@code localhost} (and 127.0.0.1), made by the JDK's keytool in
 * {@code dir}: a server's TLS context with it, and the certificate as a PEM file, which a client
 * that trusts it takes as its CA file.
 */
public final class TestCertificate {
  private static final char[] PASSWORD = "changeit".toCharArray();

  private final SSLContext serverContext;
  private final Path pem;

  private TestCertificate(SSLContext serverContext, Path pem) {
    this.serverContext = serverContext;
    this.pem = pem;
  }

  public static TestCertificate localhost(Path dir) throws Exception {
    Path store = dir.resolve("localhost.p12");
    Path pem = dir.resolve("localhost.pem");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    run(List.of(keytool, "-genkeypair", "-alias", "localhost", "-keyalg", "EC", "-groupname",
        "secp256r1", "-dname", "CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1",
        "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass",
        new String(PASSWORD)));
    run(List.of(keytool, "-exportcert", "-rfc", "-alias", "localhost", "-keystore",
        store.toString(), "-storepass", new String(PASSWORD), "-file", pem.toString()));
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, PASSWORD);
    }
    KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(keys, PASSWORD);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(factory.getKeyManagers(), null, null);
    return new TestCertificate(context, pem);
  }

  /** A server's TLS context that presents the certificate. */
  public SSLContext serverContext() {
    return serverContext;
  }

  /** The certificate, PEM-encoded. */
  public Path pem() {
    return pem;
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException(command.get(1) + " failed: "
          + new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
  }
}
