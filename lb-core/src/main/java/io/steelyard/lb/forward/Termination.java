package io.steelyard.lb.forward;

/**
 * How a session ended, as HAProxy's two-letter termination state in the traffic log: who or what
 * ended it ({@code C} client, {@code S} server, {@code c}/{@code s} the client's or server's
 * timeout, {@code K} killed) and in which phase ({@code Q} waiting in a queue, {@code C} connecting
 * to the server, {@code D} relaying data); {@code --} for a normal end.
 */
enum Termination {
  NORMAL("--"),
  CLIENT_LEFT_QUEUE("CQ"),
  CLIENT_LEFT_CONNECTING("CC"),
  CLIENT_CLOSED("CD"),
  SERVER_REFUSED("SC"),
  SERVER_CONNECT_TIMEOUT("sC"),
  SERVER_CLOSED("SD"),
  QUEUE_TIMEOUT("sQ"),
  CLIENT_TIMEOUT("cD"),
  SERVER_TIMEOUT("sD"),
  KILLED_CONNECTING("KC"),
  KILLED("KD");

  private final String code;

  Termination(String code) {
    this.code = code;
  }

  /** The two letters of HAProxy's log. */
  String code() {
    return code;
  }

  /** The client or server closed or failed: {@code CD} or {@code SD}. */
  static Termination closedBy(boolean client) {
    return client ? CLIENT_CLOSED : SERVER_CLOSED;
  }

  /** An inactivity timeout of the client or the server: {@code cD} or {@code sD}. */
  static Termination timeoutOf(boolean client) {
    return client ? CLIENT_TIMEOUT : SERVER_TIMEOUT;
  }
}
