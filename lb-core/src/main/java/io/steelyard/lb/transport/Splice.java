package io.steelyard.lb.transport;

/**
 * The directions of each connection that the epoll transport relays with splice(2), moving the
 * bytes from socket to socket inside the kernel instead of copying them through the JVM: {@link
 * Transport#epoll(Splice)}, and the TPROXY transport's {@code splice}. HAProxy chooses them with
 * {@code option splice-request}, {@code option splice-response} and {@code option splice-auto}.
 *
 * <p>{@link #REQUEST}, {@link #RESPONSE} and {@link #BOTH} splice a direction from the moment the
 * server's connection is made until its end, whatever the amount of data. {@link #AUTO} splices a
 * direction once one read of it filled a buffer of 16 KiB or more (HAProxy's buffer size), so that
 * a short exchange never pays for a pipe and a stream does not copy for long. Bytes the client
 * sends before the server's connection is made are copied, and so is a direction whose splicing
 * fails before it moved a byte. The statistics count spliced bytes apart ({@code splicedIn},
 * {@code splicedOut}) within the byte counts.
 */
public enum Splice {
  /** From the client to the server only ({@code option splice-request}). */
  REQUEST,

  /** From the server to the client only ({@code option splice-response}). */
  RESPONSE,

  /** Both directions. */
  BOTH,

  /** Both directions, each once a read filled a buffer ({@code option splice-auto}). */
  AUTO;

  boolean request() {
    return this != RESPONSE;
  }

  boolean response() {
    return this != REQUEST;
  }
}
