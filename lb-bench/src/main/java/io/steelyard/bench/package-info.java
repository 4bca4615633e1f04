/**
 * JMH benchmarks of the forwarding core and the side-by-side comparison with HAProxy. Filled in
 * by the benchmark issue; today this module holds no code.
 */
package io.steelyard.bench;
