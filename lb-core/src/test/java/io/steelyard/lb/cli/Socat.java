package io.steelyard.lb.cli;

import io.steelyard.lb.testing.Tools;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * {@code socat}, run as an operator runs it against a stats socket: {@code echo "show stat" | socat
 * - UNIX-CONNECT:/run/steelyard/admin.sock}, or kept open for an interactive session.
 */
final class Socat implements AutoCloseable {
  private final Process process;

  private Socat(Process process) {
    this.process = process;
  }

  /** Starts {@code socat - ADDRESS}, such as {@code UNIX-CONNECT:/path} or {@code TCP:127.0.0.1:9999}. */
  static Socat open(String address) throws IOException {
    Tools.require("socat");
    return new Socat(new ProcessBuilder("socat", "-", address).redirectErrorStream(true).start());
  }

  static String unixAddress(Path socket) {
    return "UNIX-CONNECT:" + socket;
  }

  /** {@code echo -n INPUT | socat - ADDRESS}: what the socket answers before it closes. */
  static String run(String address, String input) throws IOException, InterruptedException {
    try (Socat socat = open(address)) {
      socat.send(input);
      socat.process.getOutputStream().close();
      String output = socat.readAll();
      if (!socat.process.waitFor(10, TimeUnit.SECONDS)) {
        throw new AssertionError("socat did not end; it printed: " + output);
      }
      return output;
    }
  }

  static String run(Path socket, String input) throws IOException, InterruptedException {
    return run(unixAddress(socket), input);
  }

  void send(String text) throws IOException {
    OutputStream in = process.getOutputStream();
    in.write(text.getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  /** Reads until the output ends with {@code end}, for at most 10 s; returns what was read. */
  String readUntil(String end) throws IOException, InterruptedException {
    StringBuilder read = new StringBuilder();
    InputStream out = process.getInputStream();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!read.toString().endsWith(end)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no '" + end + "' within 10 s; read: " + read);
      }
      if (out.available() > 0) {
        int c = out.read();
        if (c < 0) {
          throw new AssertionError("socat ended before '" + end + "'; read: " + read);
        }
        read.append((char) c);
      } else if (!process.isAlive() && out.available() == 0) {
        throw new AssertionError("socat ended before '" + end + "'; read: " + read);
      } else {
        Thread.sleep(5);
      }
    }
    return read.toString();
  }

  /** Reads everything until socat ends (the socket closed), for at most 10 s. */
  String readAll() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    InputStream out = process.getInputStream();
    StringBuilder read = new StringBuilder();
    byte[] buffer = new byte[8192];
    while (process.isAlive() || out.available() > 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("socat still running after 10 s; read: " + read);
      }
      if (out.available() > 0) {
        int n = out.read(buffer);
        read.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
      } else {
        Thread.sleep(5);
      }
    }
    return read.toString();
  }

  /** Whether socat has ended, after waiting up to {@code millis}. */
  boolean endsWithin(long millis) throws InterruptedException {
    return process.waitFor(millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
