package io.steelyard.launcher.haproxy;

import io.steelyard.launcher.UnixDatagram;
import io.steelyard.lb.log.LogLine;
import io.steelyard.lb.log.LogSink;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A frontend's {@code log} targets as one {@link LogSink}: each connection's line goes to every
 * target that takes the {@code info} level, in the target's format ({@link LogTarget}), tagged
 * {@code tag[pid]}. It runs on the balancer's logging thread, so a slow target delays only the
 * log; a target that fails (a syslog daemon gone) loses that line and the others still get it.
 */
final class SyslogSink implements LogSink {
  /** A target and, once it sent a line, its socket (none is opened for {@code -c}). */
  private static final class Sender {
    final LogTarget target;
    Consumer<byte[]> send;

    Sender(LogTarget target) {
      this.target = target;
    }
  }

  private final List<Sender> senders = new ArrayList<>();
  private final String tag;
  private final long pid = ProcessHandle.current().pid();

  /** A sink for {@code targets}; each opens its socket when it sends its first line. */
  SyslogSink(List<LogTarget> targets, String tag) {
    this.tag = tag;
    for (LogTarget target : targets) {
      if (target.takes(LogTarget.INFO)) {
        senders.add(new Sender(target));
      }
    }
  }

  /** Whether any target takes connection lines. */
  boolean sends() {
    return !senders.isEmpty();
  }

  @Override
  public void write(LogLine line) {
    for (Sender sender : senders) {
      try {
        if (sender.send == null) {
          sender.send = sender(sender.target.destination());
        }
        sender.send.accept(sender.target.format(line.message(), line.epochMillis(), tag, pid));
      } catch (UncheckedIOException e) {
        // The target is gone for now: this line is lost for it, as a datagram would be.
      }
    }
  }

  private static Consumer<byte[]> sender(String destination) {
    if (destination.equals("stdout")) {
      return bytes -> print(System.out, bytes);
    }
    if (destination.equals("stderr")) {
      return bytes -> print(System.err, bytes);
    }
    if (destination.startsWith("/")) {
      UnixDatagram socket = new UnixDatagram(destination);
      return socket::send;
    }
    try {
      DatagramChannel channel = DatagramChannel.open();
      InetSocketAddress to = new InetSocketAddress(
          InetAddress.getByName(LogTarget.udpHost(destination)), LogTarget.udpPort(destination));
      return bytes -> {
        try {
          channel.send(ByteBuffer.wrap(bytes), to);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      };
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a UDP socket for log target " + destination, e);
    }
  }

  private static void print(PrintStream out, byte[] bytes) {
    synchronized (out) {
      out.write(bytes, 0, bytes.length);
      out.flush();
    }
  }
}
