package io.steelyard.lb.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

/**
 * Watches what the tests' logger (slf4j-simple, which writes to whatever {@code System.err} is at
 * the time) writes while it is installed: keeps the lines that {@code noted} accepts, passes the
 * others through unless {@code quiet} accepts them (to keep a soak's output short), and restores
 * {@code System.err} on close.
 */
public final class LogWatch implements AutoCloseable {
  /**
   * Netty's own warnings and errors: among them, an exception thrown out of a handler or a
   * listener, and one that reached the end of a pipeline unhandled.
   */
  public static final Predicate<String> NETTY_TROUBLE =
      line -> line.contains(" WARN io.netty") || line.contains(" ERROR ");

  private final PrintStream original = System.err;
  private final Queue<String> noted = new ConcurrentLinkedQueue<>();

  public LogWatch(Predicate<String> note, Predicate<String> quiet) {
    System.setErr(new PrintStream(new LineSplitter(note, quiet), true, StandardCharsets.UTF_8));
  }

  /** The lines noted so far. */
  public List<String> noted() {
    return List.copyOf(noted);
  }

  @Override
  public void close() {
    System.err.flush();
    System.setErr(original);
  }

  private final class LineSplitter extends java.io.OutputStream {
    private final Predicate<String> note;
    private final Predicate<String> quiet;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LineSplitter(Predicate<String> note, Predicate<String> quiet) {
      this.note = note;
      this.quiet = quiet;
    }

    @Override
    public synchronized void write(int b) {
      if (b != '\n') {
        line.write(b);
        return;
      }
      String text = line.toString(StandardCharsets.UTF_8);
      line.reset();
      if (note.test(text)) {
        noted.add(text);
      }
      if (!quiet.test(text)) {
        original.println(text);
      }
    }
  }
}
