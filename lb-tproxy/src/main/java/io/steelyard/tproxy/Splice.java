package io.steelyard.tproxy;

/**
 * The directions of each connection that the TPROXY transport relays with splice(2), moving the
 * bytes from socket to socket inside the kernel instead of copying them through the JVM: {@link
 * TproxyTransport#splice(Splice)}. HAProxy chooses them with {@code option splice-request} and
 * {@code option splice-response}; {@link #BOTH} is the two together.
 *
 * <p>A spliced direction is spliced from the moment the server's connection is made until its
 * end, whatever the amount of data; HAProxy's {@code option splice-auto}, which decides from one
 * buffer to the next, has no counterpart. Bytes the client sends before the server's connection
 * is made are copied, and so is a direction whose splicing fails before it moved a byte. The
 * statistics count spliced bytes apart ({@code splicedIn}, {@code splicedOut}) within the byte
 * counts.
 */
public enum Splice {
  /** From the client to the server only ({@code option splice-request}). */
  REQUEST,

  /** From the server to the client only ({@code option splice-response}). */
  RESPONSE,

  /** Both directions. */
  BOTH;

  boolean request() {
    return this != RESPONSE;
  }

  boolean response() {
    return this != REQUEST;
  }
}
