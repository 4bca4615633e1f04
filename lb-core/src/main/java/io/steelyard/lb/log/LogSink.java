package io.steelyard.lb.log;

/**
 * Where a frontend's connection log goes, one {@link LogLine} per finished connection: the
 * {@link #slf4j()} logger by default, or an application's own sink, such as the launcher's
 * syslog targets. Called on the balancer's one logging thread, never on a forwarding thread, so a
 * sink may block; while it does, lines queue up to a bound, and those beyond are dropped and
 * counted ({@link io.steelyard.lb.Balancer#droppedLogs()}). A sink that only counts or hands the
 * line to a structure of its own, never blocking, may ask to be called {@link #inline()} instead.
 */
@FunctionalInterface
public interface LogSink {
  /** Writes one line. */
  void write(LogLine line);

  /**
   * Whether to be called on the forwarding thread, as each connection ends and in that order,
   * rather than on the logging thread: for a sink that is cheap and never blocks, since the
   * connections of that thread wait for it. {@code false} unless overridden.
   */
  default boolean inline() {
    return false;
  }

  /**
   * Releases what the sink holds (sockets), once no more line comes: when the balancer closes,
   * or after a reconfiguration replaced the sink and the lines queued for it are written.
   * Nothing unless overridden.
   */
  default void close() {}

  /** The SLF4J logger {@code io.steelyard.lb.traffic}, at level INFO: the library's default. */
  static LogSink slf4j() {
    return Slf4jLogSink.INSTANCE;
  }
}
