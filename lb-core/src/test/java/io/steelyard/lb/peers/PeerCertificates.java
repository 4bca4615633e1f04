package io.steelyard.lb.peers;

import io.steelyard.lb.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A CA and, for each peer name, a certificate it signed, made by openssl in {@code dir}: {@code
 * ca.pem}, and {@code <name>.pem} holding the certificate and its PKCS#8 key, as HAProxy's {@code
 * crt} and Steelyard's {@link io.steelyard.lb.config.PeerTls} take them. P-256 keys, valid 2 days.
 */
final class PeerCertificates {
  private final Path dir;

  private PeerCertificates(Path dir) {
    this.dir = dir;
  }

  static PeerCertificates create(Path dir, String... names) throws IOException, InterruptedException {
    Tools.require("openssl");
    run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=peers-ca");
    for (String name : names) {
      run(dir, "openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
          "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name);
      run(dir, "openssl", "x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
          "-CAcreateserial", "-out", name + ".crt", "-days", "2");
      Files.writeString(dir.resolve(name + ".pem"),
          Files.readString(dir.resolve(name + ".crt")) + Files.readString(dir.resolve(name + ".key")));
    }
    return new PeerCertificates(dir);
  }

  Path ca() {
    return dir.resolve("ca.pem");
  }

  /** The certificate and key of {@code name}. */
  Path pem(String name) {
    return dir.resolve(name + ".pem");
  }

  private static void run(Path dir, String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(List.of(command)).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException(String.join(" ", command) + " failed: " + Files.readString(dir.resolve("openssl.log")));
    }
  }
}
