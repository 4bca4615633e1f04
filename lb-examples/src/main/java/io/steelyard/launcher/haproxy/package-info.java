/**
 * haproxy.cfg in TCP mode, read into Steelyard's balancer builder: {@link HaproxyConfig} and its
 * sections ({@code global}, {@code defaults}, {@code frontend}, {@code backend}, {@code listen},
 * {@code peers}), server, stick-table, stats socket and logging lines, and the local peer name,
 * each mistake an error at its file:line in HAProxy's words.
 */
package io.steelyard.launcher.haproxy;
