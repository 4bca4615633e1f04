/**
 * The launcher, {@code java -jar steelyard.jar}: the command line ({@link Launcher}, {@link
 * CommandLine}), telling a file's grammar ({@link ConfigKind}), the graceful stop on a signal, and
 * what both grammars share: reading a file, its lines and words, values, and the errors and notes
 * at file:line. The grammars are {@link io.steelyard.launcher.haproxy} and {@link
 * io.steelyard.launcher.keepalived}.
 */
package io.steelyard.launcher;
