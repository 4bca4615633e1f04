package io.steelyard.lb.testing;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** One command on a stats socket (HAProxy's or Steelyard's), as {@code socat} sends it. */
public final class UnixSocket {
  private UnixSocket() {}

  /** Sends {@code command} to the socket at {@code path} and reads the answer until it closes. */
  public static String ask(Path path, String command) throws IOException {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(path));
      channel.write(ByteBuffer.wrap(command.getBytes(StandardCharsets.US_ASCII)));
      ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
      while (channel.read(buffer) >= 0 && buffer.hasRemaining()) {
        // The proxy closes after one command.
      }
      return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    }
  }
}
