package io.steelyard.bench;

import io.steelyard.vrrp.packet.Advertisement;
import io.steelyard.vrrp.packet.ReceiveFilter;
import io.steelyard.vrrp.packet.Verdict;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.List;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The VRRP codec on one advertisement with the seed's shape (one virtual address; VRRPv2 with a
 * {@code PASS} password, VRRPv3 at 100 cs): building the datagram a master sends ({@code encode},
 * checksums included), reading a message ({@code decode}), and the whole receive path a backup
 * runs on each datagram ({@code receive}: every check of keepalived's order, checksum included,
 * ending in an accepted verdict). Nothing is sent: the packets only live in memory.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class VrrpCodecBenchmark {
  /** The version on the wire, with the seed's settings for each. */
  public enum Wire {
    V2_PASS,
    V3
  }

  @Param Wire wire;

  private Inet4Address source;
  private Inet4Address group;
  private Advertisement advertisement;
  private ByteBuffer message;
  private ByteBuffer datagram;
  private ReceiveFilter filter;

  @Setup
  public void build() throws UnknownHostException {
    source = (Inet4Address) InetAddress.getByName("198.51.100.11");
    group = Advertisement.MULTICAST_GROUP;
    List<Inet4Address> vips = List.of((Inet4Address) InetAddress.getByName("198.51.100.110"));
    advertisement =
        wire == Wire.V2_PASS
            ? Advertisement.v2(100, 100, 1, vips, "secret".getBytes())
            : Advertisement.v3(100, 100, 100, vips);
    message = ByteBuffer.wrap(advertisement.encode(source, group));
    datagram = ByteBuffer.wrap(advertisement.encodeIpv4(source, group));
    filter = ReceiveFilter.of("VI_1", advertisement);
    if (!(filter.check(datagram, System.nanoTime()) instanceof Verdict.Accepted)) {
      throw new IllegalStateException("the benchmark's own datagram is not accepted");
    }
  }

  @Benchmark
  public byte[] encode() {
    return advertisement.encodeIpv4(source, group);
  }

  @Benchmark
  public Advertisement decode() {
    return Advertisement.decode(message);
  }

  @Benchmark
  public Verdict receive() {
    return filter.check(datagram, System.nanoTime());
  }
}
