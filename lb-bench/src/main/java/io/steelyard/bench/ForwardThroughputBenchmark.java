package io.steelyard.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The throughput of one long stream on a real loopback connection: a client uploads to a {@link
 * LoopbackBackend#sink} through the balancer, copying ({@link Route#COPY}) or splicing ({@link
 * Route#SPLICE}), and, for comparison, straight to it ({@link Route#DIRECT}). One operation moves one MiB, so ops/s reads as MiB/s.
 *
 * <p>An operation counts once the sink has received its bytes: each one sends a MiB and waits for
 * the sink's acknowledgement of the MiB before it, which keeps the connection full (one MiB in
 * flight beyond what the socket buffers hold) while no more than that is ever unaccounted for.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
@State(Scope.Thread)
public class ForwardThroughputBenchmark {
  private static final int MIB = 1 << 20;

  @Param Route route;

  private final byte[] chunk = new byte[MIB];
  private LoopbackBackend sink;
  private Route.Endpoint endpoint;
  private Socket client;
  private InputStream in;
  private OutputStream out;

  @Setup
  public void connect() throws IOException {
    sink = LoopbackBackend.sink(MIB);
    endpoint = route.open(sink.address());
    client = endpoint.connect();
    in = client.getInputStream();
    out = client.getOutputStream();
    out.write(chunk);
  }

  /** Sends one MiB, then reads the acknowledgement of the previous one. */
  @Benchmark
  public int mebibyte() throws IOException {
    out.write(chunk);
    int ack = in.read();
    if (ack < 0) {
      throw new EOFException("the sink closed the connection");
    }
    return ack;
  }

  @TearDown
  public void close() throws Exception {
    client.close();
    endpoint.close();
    sink.close();
  }
}
