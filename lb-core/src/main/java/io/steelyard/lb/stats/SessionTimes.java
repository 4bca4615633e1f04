package io.steelyard.lb.stats;

/**
 * How long the sessions of a backend or server that reached a server took, in milliseconds:
 * averages over the last 1,024 of them and the longest since start (HAProxy's {@code qtime},
 * {@code ctime}, {@code ttime} and their {@code _max}), all 0 before the first.
 *
 * @param queueAverage time waiting in a queue
 * @param connectAverage time connecting to the server
 * @param totalAverage time from accept to the end
 * @param queueMax the longest time in a queue
 * @param connectMax the longest time connecting
 * @param totalMax the longest session
 */
public record SessionTimes(
    long queueAverage, long connectAverage, long totalAverage, long queueMax, long connectMax,
    long totalMax) {}
