package io.steelyard.lb.admin;

import io.steelyard.lb.forward.Counters;

/**
 * The traffic of a frontend, backend or server at one moment. "In" is from clients towards
 * servers, "out" back towards clients.
 *
 * @param current connections open now
 * @param total connections since start
 * @param bytesIn bytes from clients
 * @param bytesOut bytes to clients
 * @param connectErrors failed connection attempts to servers
 * @param retries attempts repeated on the same server
 * @param redispatches connections moved to another server after failed attempts
 */
public record Traffic(
    long current,
    long total,
    long bytesIn,
    long bytesOut,
    long connectErrors,
    long retries,
    long redispatches) {

  static Traffic of(Counters counters) {
    return new Traffic(
        counters.current(),
        counters.total(),
        counters.bytesIn(),
        counters.bytesOut(),
        counters.connectErrors(),
        counters.retries(),
        counters.redispatches());
  }
}
