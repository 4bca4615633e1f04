/**
 * What to copy and what to show: the loopback {@link Demo} that {@code java -jar steelyard.jar}
 * runs without a file, the seed's setup in code ({@link ReferenceSetup}), and a balancer inside an
 * application ({@link EmbeddedBalancer}). The launcher itself is {@code io.steelyard.launcher}.
 */
package io.steelyard.examples;
