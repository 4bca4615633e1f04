package io.steelyard.lb.log;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The {@code %} variables of HAProxy's {@code log-format} that a TCP connection's line can hold,
 * each written as HAProxy 2.6 writes it. A value that does not exist (no server was picked, no
 * server connection was made) is written {@code -}, or {@code ""} when quoted.
 */
public enum LogVariable {
  /** {@code %ci}: the client's IP address. */
  CLIENT_IP("ci", true),
  /** {@code %cp}: the client's port. */
  CLIENT_PORT("cp", false),
  /** {@code %fi}: the address the client connected to. */
  FRONTEND_IP("fi", true),
  /** {@code %fp}: the port the client connected to. */
  FRONTEND_PORT("fp", false),
  /** {@code %bi}: the source address of the server connection. */
  BACKEND_SOURCE_IP("bi", true),
  /** {@code %bp}: the source port of the server connection. */
  BACKEND_SOURCE_PORT("bp", false),
  /** {@code %si}: the server's address. */
  SERVER_IP("si", true),
  /** {@code %sp}: the server's port. */
  SERVER_PORT("sp", false),
  /** {@code %t}: the accept date, local time, {@code 03/Dec/2026:18:40:12.345}. */
  ACCEPT_DATE("t", false),
  /** {@code %T}: the accept date, GMT, {@code 03/Dec/2026:18:40:12 +0000}. */
  ACCEPT_DATE_GMT("T", false),
  /** {@code %Tl}: the accept date, local time with its offset, {@code 03/Dec/2026:19:40:12 +0100}. */
  ACCEPT_DATE_LOCAL("Tl", false),
  /** {@code %Ts}: the accept date in seconds since the epoch. */
  ACCEPT_TIMESTAMP("Ts", false),
  /** {@code %ms}: the milliseconds of the accept date, three digits. */
  ACCEPT_MILLIS("ms", false),
  /** {@code %f}: the frontend's name. */
  FRONTEND("f", true),
  /** {@code %ft}: the frontend's name (with {@code ~} after it for TLS, which Steelyard does not end). */
  FRONTEND_TRANSPORT("ft", true),
  /** {@code %b}: the backend's name. */
  BACKEND("b", true),
  /** {@code %s}: the server's name, {@code <NOSRV>} when none was picked. */
  SERVER("s", true),
  /** {@code %Tw}: milliseconds spent in a queue. */
  QUEUE_TIME("Tw", false),
  /** {@code %Tc}: milliseconds to connect to the server, -1 when no connection was made. */
  CONNECT_TIME("Tc", false),
  /** {@code %Td}: milliseconds from the server connection to the end, -1 without one. */
  DATA_TIME("Td", false),
  /** {@code %Tt}: milliseconds from accept to the end. */
  TOTAL_TIME("Tt", false),
  /** {@code %B}: bytes sent to the client. */
  BYTES_SENT("B", false),
  /** {@code %U}: bytes received from the client. */
  BYTES_RECEIVED("U", false),
  /** {@code %ts}: the termination state, two characters ({@code --} for a normal end). */
  TERMINATION_STATE("ts", false),
  /** {@code %ac}: the balancer's connections when this one ended. */
  ACTIVE_CONNECTIONS("ac", false),
  /** {@code %fc}: the frontend's connections when this one ended. */
  FRONTEND_CONNECTIONS("fc", false),
  /** {@code %bc}: the backend's connections when this one ended. */
  BACKEND_CONNECTIONS("bc", false),
  /** {@code %sc}: the server's connections when this one ended, 0 without a server. */
  SERVER_CONNECTIONS("sc", false),
  /** {@code %rc}: connection retries, with a leading {@code +} when the session was redispatched. */
  RETRIES("rc", false),
  /** {@code %sq}: the server's queue when this one ended. */
  SERVER_QUEUE("sq", false),
  /** {@code %bq}: the backend's queue when this one ended. */
  BACKEND_QUEUE("bq", false),
  /** {@code %pid}: the process id. */
  PID("pid", false),
  /** {@code %H}: the host name. */
  HOSTNAME("H", true);

  private static final Map<String, LogVariable> BY_NAME =
      Arrays.stream(values()).collect(Collectors.toMap(LogVariable::haproxyName, Function.identity()));

  private final String haproxyName;
  private final boolean text;

  LogVariable(String haproxyName, boolean text) {
    this.haproxyName = haproxyName;
    this.text = text;
  }

  /** The name after {@code %}, as in HAProxy's configuration manual. */
  public String haproxyName() {
    return haproxyName;
  }

  /** Whether {@code %{+Q}} puts the value in double quotes (HAProxy quotes text, not numbers). */
  public boolean quotable() {
    return text;
  }

  /** The variable named {@code name}, or {@code null}. */
  static @Nullable LogVariable named(String name) {
    return BY_NAME.get(name);
  }
}
