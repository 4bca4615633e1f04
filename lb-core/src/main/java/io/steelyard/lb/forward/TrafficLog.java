package io.steelyard.lb.forward;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per finished connection on the logger {@code io.steelyard.lb.traffic}, in HAProxy's
 * {@code option tcplog} format:
 *
 * <pre>
 * 127.0.0.1:40312 [25/Nov/2026:13:07:14.123] ft_http bk_http/s1 0/1/5004 1287 -- 3/3/2/1/0 0/0
 * client          accept date                frontend backend/server Tw/Tc/Tt bytes termination
 *                                            actconn/feconn/beconn/srv_conn/retries queues
 * </pre>
 *
 * Tw is the time spent in a queue, Tc is -1 when no server connection was made, bytes are those sent
 * to the client, retries carry a leading {@code +} when the connection was redispatched, and the
 * server is {@code <NOSRV>} when none was picked.
 */
final class TrafficLog {
  static final Logger log = LoggerFactory.getLogger("io.steelyard.lb.traffic");

  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss.SSS", Locale.ENGLISH)
          .withZone(ZoneId.systemDefault());

  private TrafficLog() {}

  /** Whether lines are written at all: when not, a session builds no record for it. */
  static boolean enabled() {
    return log.isInfoEnabled();
  }

  static void log(FinishedSession session) {
    InetSocketAddress client = session.client();
    log.info(
        "{}:{} [{}] {} {}/{} {}/{}/{} {} {} {}/{}/{}/{}/{}{} {}/{}",
        client == null ? "-" : client.getAddress().getHostAddress(),
        client == null ? "-" : client.getPort(),
        DATE.format(Instant.ofEpochMilli(session.acceptedAtMillis())),
        session.frontend(),
        session.backend(),
        session.server() == null ? "<NOSRV>" : session.server(),
        session.queueMillis(),
        session.connectMillis(),
        session.totalMillis(),
        session.bytesOut(),
        session.termination().code(),
        session.activeConnections(),
        session.frontendConnections(),
        session.backendConnections(),
        session.serverConnections(),
        session.redispatched() ? "+" : "",
        session.retries(),
        session.serverQueue(),
        session.backendQueue());
  }
}
