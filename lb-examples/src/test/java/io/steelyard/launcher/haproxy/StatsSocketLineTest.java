package io.steelyard.launcher.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.steelyard.lb.Balancer;
import io.steelyard.lb.StartException;
import io.steelyard.lb.testing.TestBackend;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stats socket}, {@code stats timeout} and {@code stats maxconn} lines run a real socket. */
class StatsSocketLineTest {
  @TempDir Path dir;

  private Balancer start(String global) {
    TestBackend server = TestBackend.greeting("s1");
    try {
      return HaproxyConfig.parse("haproxy.cfg", "global\n" + global + """
          defaults
            mode tcp
            timeout connect 5s
            timeout client 5s
            timeout server 5s
          listen app
            bind 127.0.0.1:0
            server s1 %s
          """.formatted(server.hostPort())).start();
    } finally {
      server.close();
    }
  }

  private static SocketChannel connect(Path socket) throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    channel.connect(UnixDomainSocketAddress.of(socket));
    return channel;
  }

  /** Sends {@code text} and reads until the socket closes the connection. */
  private static String exchange(SocketChannel channel, String text) throws IOException {
    channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    ByteBuffer in = ByteBuffer.allocate(4096);
    while (channel.read(in) >= 0) {
      answer.write(in.array(), 0, in.position());
      in.clear();
    }
    return answer.toString(StandardCharsets.US_ASCII);
  }

  @Test
  void theSocketAnswersWithItsModeLevelAndTimeout() throws Exception {
    Path admin = dir.resolve("admin.sock");
    Path user = dir.resolve("user.sock");
    try (Balancer balancer = start("  stats socket " + admin + " mode 640 level admin\n"
        + "  stats socket unix@" + user + " level user\n  stats timeout 1s\n  stats maxconn 5\n")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(admin)))
          .isEqualTo("rw-r-----");
      try (SocketChannel channel = connect(admin)) {
        assertThat(exchange(channel, "show cli level;get weight app/s1\n"))
            .isEqualTo("admin\n\n1 (initial 1)\n\n");
      }
      try (SocketChannel channel = connect(user)) {
        assertThat(exchange(channel, "disable server app/s1\n")).isEqualTo("Permission denied\n\n");
      }
      try (SocketChannel channel = connect(user)) {
        long start = System.nanoTime();
        assertThat(exchange(channel, "prompt\n")).as("closed when idle for 'stats timeout'")
            .isEqualTo("\n> ");
        assertThat(System.nanoTime() - start).isBetween(
            TimeUnit.MILLISECONDS.toNanos(800), TimeUnit.SECONDS.toNanos(5));
      }
    }
    assertThat(admin).doesNotExist();
  }

  @Test
  void aSocketInAMissingDirectoryFailsTheStartWithItsPath() {
    Path missing = dir.resolve("run/haproxy/admin.sock");
    assertThatThrownBy(() -> start("  stats socket " + missing + " mode 660 level admin\n"))
        .isInstanceOf(StartException.class)
        .hasMessageContaining("stats socket " + missing + ": directory " + missing.getParent()
            + " does not exist");
  }
}
