package io.steelyard.lb.forward;

import java.net.InetSocketAddress;

/**
 * What the traffic log says of a session once it has ended: HAProxy's {@code tcplog} fields.
 *
 * @param client the client's address, {@code null} if the socket no longer tells it
 * @param server the server's name, {@code null} when none was picked
 * @param queueMillis Tw, the time spent in a queue
 * @param connectMillis Tc, from leaving the queue to the server connection, -1 if none was made
 * @param totalMillis Tt, from accept to the end
 * @param bytesOut the bytes sent to the client
 * @param activeConnections actconn, the balancer's connections when it ended
 * @param frontendConnections feconn
 * @param backendConnections beconn
 * @param serverConnections srv_conn, 0 without a server
 * @param serverQueue srv_queue, the server's queue when it ended, 0 without a server
 * @param backendQueue backend_queue
 * @param bytesIn the bytes received from the client
 * @param frontendAddress the address the client connected to, {@code null} unless the format shows
 *     it
 * @param serverAddress the server's address, {@code null} without a server connection or unless
 *     the format shows it
 * @param sourceAddress the server connection's source address, as {@code serverAddress}
 */
record FinishedSession(
    InetSocketAddress client,
    long acceptedAtMillis,
    String frontend,
    String backend,
    String server,
    long queueMillis,
    long connectMillis,
    long totalMillis,
    long bytesOut,
    Termination termination,
    int activeConnections,
    long frontendConnections,
    long backendConnections,
    long serverConnections,
    int retries,
    boolean redispatched,
    long serverQueue,
    long backendQueue,
    long bytesIn,
    InetSocketAddress frontendAddress,
    InetSocketAddress serverAddress,
    InetSocketAddress sourceAddress) {}
