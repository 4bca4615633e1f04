package io.steelyard.lb.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32;

/** Pseudo-random streams of bytes through sockets, compared by CRC32. */
public final class Streams {
  private Streams() {}

  /** Writes {@code size} pseudo-random bytes (a multiple of 64 KiB); returns their CRC32. */
  public static long send(Socket socket, long size, long seed) throws IOException {
    Random random = new Random(seed);
    CRC32 crc = new CRC32();
    byte[] chunk = new byte[64 * 1024];
    OutputStream out = socket.getOutputStream();
    for (long sent = 0; sent < size; sent += chunk.length) {
      random.nextBytes(chunk);
      crc.update(chunk);
      out.write(chunk);
    }
    out.flush();
    return crc.getValue();
  }

  /** {@link #send} in another thread. */
  public static CompletableFuture<Long> sendAsync(Socket socket, long size, long seed) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return send(socket, size, seed);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** Reads exactly {@code size} bytes; returns their CRC32. */
  public static long receive(Socket socket, long size) throws IOException {
    CRC32 crc = new CRC32();
    byte[] buffer = new byte[64 * 1024];
    InputStream in = socket.getInputStream();
    for (long count = 0; count < size; ) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, size - count));
      assertThat(n).as("bytes after %d", count).isPositive();
      crc.update(buffer, 0, n);
      count += n;
    }
    return crc.getValue();
  }

  /** Reads to the end of the stream; returns the byte count and the CRC32. */
  public static long[] drain(InputStream in) throws IOException {
    CRC32 crc = new CRC32();
    byte[] buffer = new byte[64 * 1024];
    long count = 0;
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      crc.update(buffer, 0, n);
      count += n;
    }
    return new long[] {count, crc.getValue()};
  }
}
