package io.steelyard.bench;

import java.io.EOFException;
import java.io.IOException;
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
 * A connection's whole life, as a short HTTP exchange has it: connect, send {@value #MESSAGE}
 * bytes, read them back from a {@link LoopbackBackend#echo}, close; through the balancer ({@link
 * Route#COPY}, {@link Route#SPLICE}) or straight ({@link Route#DIRECT}). With {@code -prof gc},
 * {@code gc.alloc.rate.norm} is the bytes allocated per connection in the whole JVM: the
 * balancer's event loops, the echo and this client; COPY less DIRECT is what the balancer
 * allocates for one connection.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class ShortConnectionBenchmark {
  private static final int MESSAGE = 64;

  @Param({"DIRECT", "COPY"})
  Route route;

  private final byte[] request = new byte[MESSAGE];
  private final byte[] response = new byte[MESSAGE];
  private LoopbackBackend echo;
  private Route.Endpoint endpoint;

  @Setup
  public void start() throws IOException {
    echo = LoopbackBackend.echo();
    endpoint = route.open(echo.address());
  }

  /** One connection: connect, one exchange, close. */
  @Benchmark
  public byte[] connectExchangeClose() throws IOException {
    try (Socket client = endpoint.connect()) {
      client.getOutputStream().write(request);
      if (client.getInputStream().readNBytes(response, 0, MESSAGE) != MESSAGE) {
        throw new EOFException("the echo closed the connection");
      }
    }
    return response;
  }

  @TearDown
  public void stop() throws Exception {
    endpoint.close();
    echo.close();
  }
}
