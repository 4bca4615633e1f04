package io.steelyard.lb.announce;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * ExaBGP 4's command pipes, as {@code exabgpcli} uses them: a line written to {@code exabgp.in}
 * is a command to ExaBGP's API, such as {@code announce route 203.0.113.10/32 next-hop self}; its
 * answer comes back on {@code exabgp.out}, ending with a line {@code done} or {@code error}.
 * ExaBGP looks for the two named pipes (made with {@code mkfifo}) in {@code /run/exabgp/} and a
 * few other places, and runs as the user {@code exabgp.daemon.user} names: they must be readable
 * and writable by it.
 *
 * <p>Both pipes are opened for reading and writing, which never blocks, whether ExaBGP runs or
 * not. A command that ExaBGP does not answer within 5 s closes them: when no ExaBGP holds the
 * pipe open, the command goes with them, and an ExaBGP started later does not run it.
 *
 * <p>The announcers of one JVM share the pipes of a directory, one command at a time, so that none
 * reads another's answer ({@link #open} and {@link #close} count them). A program outside the
 * JVM that reads {@code exabgp.out} at the same time, such as {@code exabgpcli}, may still take
 * an answer; the command then fails after 5 s and is sent again at the next change.
 */
final class ExaBgpCli implements AutoCloseable {
  private static final long ANSWER_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final int S_IFMT = 0170000;
  private static final int S_IFIFO = 0010000;

  /** An answer: whether it ended with {@code done}, and the lines before that. */
  record Reply(boolean done, String text) {}

  /** The pipes open in this JVM, by directory, and how many announcers use each. */
  private static final Map<Path, ExaBgpCli> OPEN = new HashMap<>();

  private final Path directory;
  private final FileChannel commands;
  private final FileChannel answers;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private int users; // guarded by OPEN

  private ExaBgpCli(Path directory, FileChannel commands, FileChannel answers) {
    this.directory = directory;
    this.commands = commands;
    this.answers = answers;
    Thread reader = new Thread(this::readAnswers, "steelyard-exabgp-answers");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * The pipes {@code exabgp.in} and {@code exabgp.out} in {@code directory}: opened, or those this
   * JVM has open already. Each call is matched by one {@link #close}.
   *
   * @throws IOException when either is missing or is not a named pipe
   */
  static ExaBgpCli open(Path directory) throws IOException {
    Path key = directory.toAbsolutePath().normalize();
    synchronized (OPEN) {
      ExaBgpCli cli = OPEN.get(key);
      if (cli == null) {
        cli = openPipes(key);
        OPEN.put(key, cli);
      }
      cli.users++;
      return cli;
    }
  }

  private static ExaBgpCli openPipes(Path directory) throws IOException {
    FileChannel commands = FileChannel.open(fifo(directory.resolve("exabgp.in")),
        StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      FileChannel answers = FileChannel.open(fifo(directory.resolve("exabgp.out")),
          StandardOpenOption.READ, StandardOpenOption.WRITE);
      return new ExaBgpCli(directory, commands, answers);
    } catch (IOException | RuntimeException e) {
      commands.close();
      throw e;
    }
  }

  private static Path fifo(Path path) throws IOException {
    try {
      if (((int) Files.getAttribute(path, "unix:mode") & S_IFMT) != S_IFIFO) {
        throw new IOException(path + " is not a named pipe: ExaBGP's command pipes are made with"
            + " mkfifo");
      }
      return path;
    } catch (NoSuchFileException e) {
      throw new IOException("no ExaBGP command pipe " + path + " (mkfifo -m 600 "
          + path.resolveSibling("exabgp.in") + " " + path.resolveSibling("exabgp.out") + ")", e);
    }
  }

  /**
   * Sends {@code command} and waits for its answer.
   *
   * @throws IOException when no answer comes within 5 s (the pipes are then closed, for every
   *     user: each opens them again)
   */
  synchronized Reply command(String command) throws IOException {
    lines.clear(); // the ends of answers to someone else's commands
    ByteBuffer line = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII));
    while (line.hasRemaining()) {
      commands.write(line);
    }
    StringBuilder text = new StringBuilder();
    long deadline = System.nanoTime() + ANSWER_NANOS;
    try {
      while (true) {
        String answer = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (answer == null) {
          closePipes();
          throw new IOException("ExaBGP did not answer '" + command + "' within 5 s on "
              + directory.resolve("exabgp.in") + ": is it running, with these pipes?");
        }
        if (answer.equals("done") || answer.equals("error")) {
          return new Reply(answer.equals("done"), text.toString());
        }
        text.append(text.length() == 0 ? "" : "\n").append(answer);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting for ExaBGP's answer to '" + command + "'");
    }
  }

  /** Splits what ExaBGP writes into lines, until the pipes close. */
  private void readAnswers() {
    ByteBuffer buffer = ByteBuffer.allocate(4096);
    StringBuilder pending = new StringBuilder();
    try {
      while (answers.read(buffer) >= 0) {
        buffer.flip();
        pending.append(StandardCharsets.US_ASCII.decode(buffer));
        buffer.clear();
        for (int end = pending.indexOf("\n"); end >= 0; end = pending.indexOf("\n")) {
          lines.add(pending.substring(0, end).strip());
          pending.delete(0, end + 1);
        }
      }
    } catch (IOException closed) {
      // close() ends the reading
    }
  }

  /** Closes the pipes when this was their last user. */
  @Override
  public void close() {
    synchronized (OPEN) {
      if (--users == 0) {
        closePipes();
      }
    }
  }

  /** Closes the pipes now, whoever uses them, and lets the next {@link #open} open them again. */
  private void closePipes() {
    synchronized (OPEN) {
      OPEN.remove(directory, this);
    }
    try {
      commands.close();
      answers.close();
    } catch (IOException e) {
      // closing a pipe fails for no reason the caller could act on
    }
  }
}
