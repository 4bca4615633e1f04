package io.steelyard.lb.peers;

import org.jspecify.annotations.Nullable;

/**
 * The greeting that opens a peer session, sent by the side that connects: {@code HAProxyS 2.1},
 * then the name of the peer it expects to reach, then its own name, process id and relative
 * process id, a line each. The other side answers one status line: {@link #ACCEPTED} or one of
 * the refusals.
 *
 * @param version the protocol version, {@code 2.1} (HAProxy falls back to {@code 2.0} on {@link
 *     #BAD_VERSION})
 * @param to the name of the peer being reached
 * @param from the name of the peer that connects
 * @param pid its process id
 */
public record PeerHello(String version, String to, String from, long pid) {
  /** The protocol's name, the first word of a greeting. */
  public static final String PROTOCOL = "HAProxyS";
  /** The version Steelyard speaks. */
  public static final String VERSION = "2.1";
  /** The longest greeting read, beyond which the session is a protocol error. */
  public static final int MAX_LENGTH = 512;

  /** The session is open. */
  public static final int ACCEPTED = 200;
  /** Both sides connected at once; the other session wins. */
  public static final int TRY_AGAIN = 300;
  /** The greeting could not be read. */
  public static final int PROTOCOL_ERROR = 501;
  /** The version is not one this side speaks. */
  public static final int BAD_VERSION = 502;
  /** The second line is not this side's name. */
  public static final int WRONG_NAME = 503;
  /** The connecting side's name is not one of this side's peers. */
  public static final int UNKNOWN_PEER = 504;

  /** The minor version of a 2.x greeting, or -1 when the version is not 2.x. */
  public int minorVersion() {
    if (!version.startsWith("2.") || version.length() < 3 || version.length() > 6) {
      return -1;
    }
    for (int i = 2; i < version.length(); i++) {
      if (version.charAt(i) < '0' || version.charAt(i) > '9') {
        return -1;
      }
    }
    return Integer.parseInt(version.substring(2));
  }

  /** The greeting as it goes on the wire. */
  public String text() {
    return PROTOCOL + " " + version + "\n" + to + "\n" + from + " " + pid + " 1\n";
  }

  /**
   * The greeting in {@code text} (its three lines, each ended by a line feed), or {@code null}
   * when it is not one; {@link #status} then says how to answer.
   */
  public static @Nullable PeerHello parse(String text) {
    String[] lines = text.split("\n", -1);
    if (lines.length != 4 || !lines[3].isEmpty() || !lines[0].startsWith(PROTOCOL + " ")) {
      return null;
    }
    String[] from = lines[2].split(" ");
    if (from.length < 2 || from[0].isEmpty() || lines[1].isEmpty()) {
      return null;
    }
    long pid;
    try {
      pid = Long.parseLong(from[1]);
    } catch (NumberFormatException e) {
      return null;
    }
    return new PeerHello(lines[0].substring(PROTOCOL.length() + 1), lines[1], from[0], pid);
  }

  /**
   * How this side, named {@code self} and knowing {@code isPeer}'s names, answers this greeting:
   * {@link #ACCEPTED}, {@link #BAD_VERSION} for a version other than 2.0 and 2.1 (as HAProxy 2.6,
   * which answers 502 to a major other than 2 or a minor above its own), {@link #WRONG_NAME} or
   * {@link #UNKNOWN_PEER}.
   */
  public int status(String self, java.util.function.Predicate<String> isPeer) {
    return status(self, isPeer, 1);
  }

  /** As {@link #status(String, java.util.function.Predicate)}, speaking 2.0 to 2.{@code maxMinor}. */
  int status(String self, java.util.function.Predicate<String> isPeer, int maxMinor) {
    if (minorVersion() < 0 || minorVersion() > maxMinor) {
      return BAD_VERSION;
    }
    if (!to.equals(self)) {
      return WRONG_NAME;
    }
    return isPeer.test(from) ? ACCEPTED : UNKNOWN_PEER;
  }
}
