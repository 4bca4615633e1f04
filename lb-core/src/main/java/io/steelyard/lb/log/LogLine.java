package io.steelyard.lb.log;

/**
 * One finished connection, as HAProxy's {@code option tcplog} writes it:
 *
 * <pre>
 * 127.0.0.1:40312 [25/Nov/2026:13:07:14.123] ft_http bk_http/s1 0/1/5004 1287 -- 3/3/2/1/0 0/0
 * client          accept date                frontend backend/server Tw/Tc/Tt bytes termination
 *                                            actconn/feconn/beconn/srv_conn/retries queues
 * </pre>
 *
 * <p>Tw is the time spent in a queue, Tc is -1 when no server connection was made, bytes are those
 * sent to the client, retries carry a leading {@code +} when the connection was redispatched, and
 * the server is {@code <NOSRV>} when none was picked.
 *
 * @param epochMillis when the connection ended
 * @param frontend the frontend that accepted it
 * @param message the tcplog line, without a syslog header
 */
public record LogLine(long epochMillis, String frontend, String message) {}
