package io.steelyard.bench;

import io.steelyard.lb.schedule.Balance;
import io.steelyard.lb.schedule.Member;
import io.steelyard.lb.schedule.Scheduler;
import java.net.InetAddress;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of scheduling one connection: {@link Scheduler#acquire} picks a server and {@link
 * Scheduler#release} ends the connection at once, the work a backend does for every connection
 * whatever its length. In ns per pick and release, for {@code leastconn} and {@code roundrobin}
 * over 2, 100 and 1,000 servers of weight 1.
 *
 * <p>Every server is idle between operations, which for {@code leastconn} is the deepest case:
 * the least server, re-keyed by its new connection, sinks from the top of the heap to a leaf. The
 * contended variant runs two threads on one scheduler, as two event loops share a backend; its
 * figure is the time per operation as each thread sees it, lock hand-offs included.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
@State(Scope.Benchmark)
public class SchedulerBenchmark {
  @Param({"leastconn", "roundrobin"})
  String balance;

  @Param({"2", "100", "1000"})
  int servers;

  private Scheduler scheduler;
  private InetAddress client;

  @Setup
  public void setUp() {
    List<Member> members = new ArrayList<>(servers);
    for (int id = 0; id < servers; id++) {
      members.add(new Member(id, "s" + id, 1, 0, false));
    }
    scheduler = Balance.named(balance).newScheduler(members);
    client = InetAddress.getLoopbackAddress();
  }

  /** One thread: the scheduler's own cost with its lock uncontended. */
  @Benchmark
  public Member pickAndRelease() {
    Member member = scheduler.acquire(client, null);
    scheduler.release(member);
    return member;
  }

  /** Two threads on the same scheduler, as the balancer's two event loops on this machine. */
  @Benchmark
  @Threads(2)
  public Member pickAndReleaseContended() {
    Member member = scheduler.acquire(client, null);
    scheduler.release(member);
    return member;
  }
}
