package io.steelyard.lb.peers;

/**
 * The configuration of a real HAProxy that is peer {@code hap} of section {@code mypeers}, beside
 * a peer {@code sy} played by a test, on loopback: an admin stats socket, a frontend whose backend
 * {@code bk} sticks clients on source ({@code stick-table type ip size 200k expire 30m peers
 * mypeers}) over servers {@code s1} (the given address), {@code s2} and {@code s3} (ids 1 to 3).
 */
final class HaproxyPeerConfig {
  private HaproxyPeerConfig() {}

  /** The configuration text with these sockets and ports. */
  static String of(String statsSocket, int hapPort, int syPort, int frontPort, String s1) {
    return """
        global
          stats socket SOCKET level admin
          localpeer hap
        peers mypeers
          peer hap 127.0.0.1:HAP_PORT
          peer sy 127.0.0.1:SY_PORT
        defaults
          mode tcp
          timeout connect 1s
          timeout client 5s
          timeout server 5s
        frontend ft
          bind 127.0.0.1:FRONT_PORT
          default_backend bk
        backend bk
          stick-table type ip size 200k expire 30m peers mypeers
          stick on src
          server s1 SERVER
          server s2 127.0.0.1:1
          server s3 127.0.0.1:1
        """
        .replace("SOCKET", statsSocket)
        .replace("HAP_PORT", String.valueOf(hapPort))
        .replace("SY_PORT", String.valueOf(syPort))
        .replace("FRONT_PORT", String.valueOf(frontPort))
        .replace("SERVER", s1);
  }
}
