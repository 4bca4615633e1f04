package io.steelyard.lb.announce;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * One connection to BIRD's control socket ({@code birdc}'s), speaking its text protocol: each
 * reply line starts with a four-digit code ({@code 0xxx} done, {@code 8xxx} a run-time error,
 * {@code 9xxx} a parse error), followed by {@code -} when more lines of the reply follow, or a
 * space on its last line; a line starting with a space continues the one before. BIRD greets with
 * {@code 0001 BIRD 2.0.12 ready.}
 */
final class BirdControl implements AutoCloseable {
  /** A reply: the code of its last line and its text, lines joined. */
  record Reply(int code, String text) {
    boolean ok() {
      return code < 8000;
    }
  }

  private final SocketChannel channel;
  private final ByteBuffer in = ByteBuffer.allocate(4096);
  private final StringBuilder pending = new StringBuilder();

  private BirdControl(SocketChannel channel) {
    this.channel = channel;
  }

  /**
   * Connects to the socket at {@code path} and reads BIRD's greeting.
   *
   * @throws IOException when nothing listens there, or what answers is not BIRD
   */
  static BirdControl connect(Path path) throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.connect(UnixDomainSocketAddress.of(path));
      BirdControl control = new BirdControl(channel);
      Reply greeting = control.reply();
      if (greeting.code() != 1) {
        throw new IOException(path + " is not BIRD's control socket: it greets with '"
            + greeting.text() + "'");
      }
      return control;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Sends {@code command} (one line, such as {@code enable vip}) and reads its reply. */
  Reply command(String command) throws IOException {
    ByteBuffer out = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8));
    while (out.hasRemaining()) {
      channel.write(out);
    }
    return reply();
  }

  private Reply reply() throws IOException {
    StringBuilder text = new StringBuilder();
    while (true) {
      String line = line();
      if (line.startsWith(" ")) {
        text.append(text.length() == 0 ? "" : "\n").append(line.substring(1));
        continue;
      }
      if (line.length() < 5 || !line.substring(0, 4).chars().allMatch(Character::isDigit)) {
        throw new IOException("not a BIRD reply line: '" + line + "'");
      }
      text.append(text.length() == 0 ? "" : "\n").append(line.substring(5));
      if (line.charAt(4) == ' ') {
        return new Reply(Integer.parseInt(line.substring(0, 4)), text.toString());
      }
    }
  }

  private String line() throws IOException {
    while (true) {
      int end = pending.indexOf("\n");
      if (end >= 0) {
        String line = pending.substring(0, end);
        pending.delete(0, end + 1);
        return line;
      }
      in.clear();
      if (channel.read(in) < 0) {
        throw new IOException("BIRD closed its control socket");
      }
      in.flip();
      pending.append(StandardCharsets.UTF_8.decode(in));
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // a Unix socket's close fails for no reason the caller could act on
    }
  }
}
