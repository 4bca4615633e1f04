package io.steelyard.bench;

import io.steelyard.lb.schedule.Balance;
import io.steelyard.lb.schedule.Member;
import io.steelyard.lb.schedule.Scheduler;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
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
 * {@code balance source}, map-based (HAProxy's default) and consistent (Maglev, 65,537 slots):
 * the cost of one pick and release for clients of 1,024 addresses in turn, over 3, 100 and 1,000
 * servers of weight 1; and the cost of building a Maglev table, as a scheduler is made (a rebuild
 * after a server's change does the same work on its own thread).
 *
 * <pre>
 * java -jar lb-bench/target/benchmarks.jar MaglevBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class MaglevBenchmark {
  @Param({"map-based", "consistent"})
  String hashType;

  @Param({"3", "100", "1000"})
  int servers;

  private List<Member> members;
  private Scheduler scheduler;
  private final InetAddress[] clients = new InetAddress[1024];
  private int next;

  @Setup
  public void setUp() throws UnknownHostException {
    members = new ArrayList<>(servers);
    for (int id = 0; id < servers; id++) {
      members.add(new Member(id, "s" + id, 1, 0, false));
    }
    scheduler = balance().newScheduler(members);
    for (int i = 0; i < clients.length; i++) {
      clients[i] = InetAddress.getByAddress(new byte[] {(byte) 203, 0, (byte) 113, (byte) i});
      if (i >= 256) {
        clients[i] = InetAddress.getByAddress(new byte[] {(byte) 198, 51, (byte) (i >> 8), (byte) i});
      }
    }
  }

  private Balance balance() {
    return hashType.equals("consistent") ? Balance.sourceConsistent() : Balance.source();
  }

  /** One pick and release, the client's address changing each time. */
  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Member pickAndRelease() {
    Member member = scheduler.acquire(clients[next++ & 1023], null);
    scheduler.release(member);
    return member;
  }

  /** A new scheduler over the servers: for Maglev, one table built. */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public Scheduler build() {
    List<Member> fresh = new ArrayList<>(servers);
    for (Member member : members) {
      fresh.add(new Member(member.id(), member.name(), 1, 0, false));
    }
    return balance().newScheduler(fresh);
  }
}
