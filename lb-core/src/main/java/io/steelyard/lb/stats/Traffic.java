package io.steelyard.lb.stats;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The traffic of a frontend, backend or server at one moment. "In" is from clients towards
 * servers, "out" back towards clients.
 *
 * @param current connections open now
 * @param total connections since start
 * @param bytesIn bytes from clients
 * @param bytesOut bytes to clients
 * @param splicedIn the part of {@code bytesIn} moved from socket to socket in the kernel
 *     (spliced), never copied through the JVM
 * @param splicedOut the part of {@code bytesOut} spliced
 * @param connectErrors failed connection attempts to servers
 * @param retries attempts repeated on the same server
 * @param redispatches connections moved to another server after failed attempts
 * @param queued connections waiting in a queue now
 * @param queueTimeouts connections dropped when their time in the queue ran out
 * @param refused connections closed at once because no server could take them
 * @param maxCurrent the most connections open at once since start
 * @param maxQueued the most connections waiting at once since start
 * @param rate connections over the last second
 * @param maxRate the highest {@code rate} since start
 * @param lastSession when the last connection opened, {@code null} before the first
 * @param clientAborts connections the client closed or left idle while data flowed (CD, cD)
 * @param serverAborts connections the server closed or left idle while data flowed (SD, sD)
 * @param times how long sessions took, for backends and servers (zeros for frontends)
 */
public record Traffic(
    long current,
    long total,
    long bytesIn,
    long bytesOut,
    long splicedIn,
    long splicedOut,
    long connectErrors,
    long retries,
    long redispatches,
    long queued,
    long queueTimeouts,
    long refused,
    long maxCurrent,
    long maxQueued,
    long rate,
    long maxRate,
    @Nullable Instant lastSession,
    long clientAborts,
    long serverAborts,
    SessionTimes times) {}
