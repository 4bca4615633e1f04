package io.steelyard.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;
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
 * The latency of a small request and its response on a real loopback connection: a client sends
 * {@value #MESSAGE} bytes to a {@link LoopbackBackend#echo} and reads them back, through the
 * balancer, copying ({@link Route#COPY}) or splicing ({@link Route#SPLICE}), and, for comparison,
 * straight to it ({@link Route#DIRECT}). The difference is what the balancer adds to a round
 * trip: two relays, each a wake-up of its event loop, a read and a write. Sampled, so JMH reports the mean and the percentiles (p99 among them)
 * in µs.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
@State(Scope.Thread)
public class ForwardLatencyBenchmark {
  private static final int MESSAGE = 64;

  @Param Route route;

  private final byte[] request = new byte[MESSAGE];
  private final byte[] response = new byte[MESSAGE];
  private LoopbackBackend echo;
  private Route.Endpoint endpoint;
  private Socket client;
  private InputStream in;
  private OutputStream out;

  @Setup
  public void connect() throws IOException {
    echo = LoopbackBackend.echo();
    endpoint = route.open(echo.address());
    client = endpoint.connect();
    in = client.getInputStream();
    out = client.getOutputStream();
    for (int i = 0; i < MESSAGE; i++) {
      request[i] = (byte) i;
    }
    roundTrip();
    if (!Arrays.equals(request, response)) {
      throw new IllegalStateException("the echo answered " + Arrays.toString(response));
    }
  }

  /** Sends the request and reads the whole echo. */
  @Benchmark
  public byte[] roundTrip() throws IOException {
    out.write(request);
    if (in.readNBytes(response, 0, MESSAGE) != MESSAGE) {
      throw new EOFException("the echo closed the connection");
    }
    return response;
  }

  @TearDown
  public void close() throws Exception {
    client.close();
    endpoint.close();
    echo.close();
  }
}
