/**
 * JMH benchmarks of Steelyard: the schedulers' pick and release ({@link
 * io.steelyard.bench.SchedulerBenchmark}), the stick table's match and store at the seed's 200,000
 * entries ({@link io.steelyard.bench.StickTableBenchmark}, and {@link
 * io.steelyard.bench.StickFootprint} for its bytes per entry), and the forwarding core on real
 * loopback connections, through a running balancer and straight to the backend ({@link
 * io.steelyard.bench.ForwardThroughputBenchmark}, {@link
 * io.steelyard.bench.ForwardLatencyBenchmark}).
 *
 * <p>{@code mvn -B -q -DskipTests -pl lb-bench -am package} builds {@code
 * lb-bench/target/benchmarks.jar}, JMH's runner with every benchmark: {@code java -jar
 * lb-bench/target/benchmarks.jar} runs them all with the defaults their annotations set, and
 * {@code java -jar lb-bench/target/benchmarks.jar -f 1 -wi 2 -w 1s -i 3 -r 1s} is the short
 * profile for a quick look. The build only compiles and packages them; nothing runs them.
 *
 * <p>Benchmark classes and their states are not final because JMH's generated code extends them.
 */
package io.steelyard.bench;
