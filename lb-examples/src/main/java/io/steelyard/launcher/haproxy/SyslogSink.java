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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A frontend's {@code log} targets as one {@link LogSink}: each connection's line goes to every
 * target that takes the {@code info} level, in the target's format ({@link LogTarget}), tagged
 * {@code tag[pid]}. It runs on the balancer's logging thread, so a slow target delays only the
 * log; a target that fails (a syslog daemon gone) loses that line and the others still get it.
 * Two sinks are equal when they send alike (the same targets, wherever in the files they are
 * written, and tag), so that a reload that leaves the log lines alone changes no log.
 *
 * <p>Why not Logback's {@code SyslogAppender}: it writes only an RFC 3164 header with the host's
 * name (HAProxy's default format has none, and HAProxy 2.6 also writes rfc5424, short and raw,
 * cuts at {@code len}, and sends to {@code /dev/log}), so the lines would not be HAProxy's byte for
 * byte. Its cost is not the reason: 5.5-6.2 us per line against this sink's 5.1-5.2 us, 5 of
 * which are the kernel's send (measured alike, 200,000 lines to a UDP port without listener).
 */
final class SyslogSink implements LogSink {
  /**
   * A target and, once it sent a line, its socket (none is opened for {@code -c}), the buffer its
   * datagrams are put together in, and the header of the last one.
   */
  private static final class Sender {
    final LogTarget target;
    final ByteBuffer datagram;
    Output output;
    long headerKey = Long.MIN_VALUE;
    byte[] header;

    Sender(LogTarget target) {
      this.target = target;
      this.datagram = ByteBuffer.allocateDirect(target.length());
    }

    byte[] header(long epochMillis, String tag, long pid) {
      long key = target.headerKey(epochMillis);
      if (key != headerKey || header == null) {
        header = target.header(epochMillis, tag, pid).getBytes(StandardCharsets.UTF_8);
        headerKey = key;
      }
      return header;
    }
  }

  /** Where a target's datagrams go: a socket, or a standard stream that is not closed. */
  private interface Output {
    void send(ByteBuffer datagram);

    default void close() {}
  }

  private final List<Sender> senders = new ArrayList<>();
  /** What each target sends and where, without where it is written. */
  private final List<List<Object>> sends = new ArrayList<>();
  private final String tag;
  private final long pid = ProcessHandle.current().pid();

  /** A sink for {@code targets}; each opens its socket when it sends its first line. */
  SyslogSink(List<LogTarget> targets, String tag) {
    this.tag = tag;
    for (LogTarget target : targets) {
      if (target.takes(LogTarget.INFO)) {
        senders.add(new Sender(target));
        sends.add(List.of(target.destination(), target.format(), target.facility(), target.level(),
            target.minLevel(), target.length()));
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
        if (sender.output == null) {
          sender.output = output(sender.target.destination());
        }
        sender.target.write(
            sender.datagram, sender.header(line.epochMillis(), tag, pid), line.message());
        sender.output.send(sender.datagram);
      } catch (UncheckedIOException e) {
        // The target is gone for now: this line is lost for it, as a datagram would be.
      }
    }
  }

  /** Closes the sockets this sink opened. */
  @Override
  public void close() {
    for (Sender sender : senders) {
      if (sender.output != null) {
        sender.output.close();
      }
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SyslogSink that && sends.equals(that.sends) && tag.equals(that.tag);
  }

  @Override
  public int hashCode() {
    return 31 * sends.hashCode() + tag.hashCode();
  }

  private static Output output(String destination) {
    if (destination.equals("stdout")) {
      return bytes -> print(System.out, bytes);
    }
    if (destination.equals("stderr")) {
      return bytes -> print(System.err, bytes);
    }
    if (destination.startsWith("/")) {
      UnixDatagram socket = new UnixDatagram(destination);
      return new Output() {
        @Override
        public void send(ByteBuffer datagram) {
          socket.send(bytes(datagram));
        }

        @Override
        public void close() {
          socket.close();
        }
      };
    }
    try {
      DatagramChannel channel = DatagramChannel.open();
      InetSocketAddress to = new InetSocketAddress(
          InetAddress.getByName(LogTarget.udpHost(destination)), LogTarget.udpPort(destination));
      return new Output() {
        @Override
        public void send(ByteBuffer datagram) {
          try {
            channel.send(datagram, to);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }

        @Override
        public void close() {
          try {
            channel.close();
          } catch (IOException e) {
            // closing a datagram socket loses nothing
          }
        }
      };
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a UDP socket for log target " + destination, e);
    }
  }

  private static byte[] bytes(ByteBuffer datagram) {
    byte[] bytes = new byte[datagram.remaining()];
    datagram.get(bytes);
    return bytes;
  }

  private static void print(PrintStream out, ByteBuffer datagram) {
    byte[] bytes = bytes(datagram);
    synchronized (out) {
      out.write(bytes, 0, bytes.length);
      out.flush();
    }
  }
}
