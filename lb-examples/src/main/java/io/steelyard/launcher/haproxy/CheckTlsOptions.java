package io.steelyard.launcher.haproxy;

import io.steelyard.lb.health.CheckTls;
import java.nio.file.Path;

/**
 * The TLS options of a {@code server} line for its checks, with HAProxy's meaning: {@code
 * check-ssl} makes every check connection TLS; {@code verify required} (HAProxy's default) checks
 * the server's certificate against {@code ca-file}, {@code verify none} takes any; {@code
 * check-sni NAME} sends that name, against which a verified certificate must then match. Without
 * {@code check-ssl}, they serve the {@code tcp-check connect ssl} steps only.
 *
 * <p>As in HAProxy, TLS with {@code verify required} and no {@code ca-file} is an error, in its
 * words. HAProxy's {@code ssl} keyword (TLS to the server for traffic, which checks then inherit)
 * is not Steelyard's: a TCP balancer relays the client's TLS as it is.
 */
final class CheckTlsOptions {
  private boolean checkSsl;
  private String verify;
  private String caFile;
  private String sni;

  /** Takes {@code keyword} and its {@code value}. */
  void set(String keyword, String value) {
    switch (keyword) {
      case "check-ssl" -> checkSsl = true;
      case "verify" -> {
        if (!value.equals("none") && !value.equals("required")) {
          throw new IllegalArgumentException(
              "'verify' : unknown verify method '" + value + "', only 'none' and 'required' are"
                  + " supported.");
        }
        verify = value;
      }
      case "ca-file" -> caFile = value;
      default -> sni = value;
    }
  }

  /** The checks' TLS settings, or {@code null} when no option asks for TLS. */
  CheckTls settings() {
    if (!checkSsl && verify == null && caFile == null && sni == null) {
      return null;
    }
    CheckTls tls;
    if ("none".equals(verify)) {
      tls = CheckTls.verifyNone();
    } else if (caFile == null) {
      throw new IllegalArgumentException(
          "verify is enabled by default but no CA file specified. If you're running on a LAN"
              + " where you're certain to trust the server's certificate, please set an explicit"
              + " 'verify none' statement on the 'server' line, or use 'ssl-server-verify none' in"
              + " the global section to disable server-side verifications by default.");
    } else {
      tls = CheckTls.verifyWith(Path.of(caFile));
    }
    if (sni != null) {
      tls = tls.sni(sni);
    }
    return checkSsl ? tls : tls.onlyWhereAsked();
  }
}
