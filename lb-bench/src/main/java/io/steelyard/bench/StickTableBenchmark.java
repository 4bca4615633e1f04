package io.steelyard.bench;

import io.steelyard.lb.stick.StickEntry;
import io.steelyard.lb.stick.StickTable;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.Random;
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
 * The stick table at the seed's size ({@code stick-table type ip size 200k expire 30m}), full of
 * 200,000 IPv4 clients: what each accepted connection costs it. The client addresses are built
 * before the measurement, so a lookup measures the table alone, which allocates nothing ({@code
 * -prof gc} shows it). Single-threaded: the cursors over the addresses are plain fields.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
@State(Scope.Benchmark)
public class StickTableBenchmark {
  /** The seed's {@code size 200k}. */
  static final int ENTRIES = 200_000;

  private StickTable table;

  /**
   * 2 × {@link #ENTRIES} clients: those in the table, then as many new ones. Stored in turn from
   * the first new one, each is absent from the table, whose oldest entry is the next one to go.
   */
  private InetAddress[] churn;

  private int nextChurn;

  @Setup
  public void fill() {
    table = StickTable.builder().size(ENTRIES).expire(Duration.ofMinutes(30)).build();
    churn = Clients.ipv4(0, 2 * ENTRIES);
    for (int i = 0; i < ENTRIES; i++) {
      table.store(churn[i], i % 8).connectionClosed();
    }
    if (table.used() != ENTRIES) {
      throw new IllegalStateException("the table holds " + table.used() + " entries, not " + ENTRIES);
    }
    nextChurn = ENTRIES;
  }

  /**
   * The clients of the table as new objects, as each connection's socket has its own, in the
   * order that {@code order} names.
   */
  @State(Scope.Thread)
  public static class Known {
    /**
     * {@code random}: each lookup lands anywhere among the 200,000 entries, as many real clients
     * do, and waits on memory; {@code sequential}: in the order the entries were stored, which is
     * their order in the heap, so the hardware prefetches them and the figure is the table's own
     * work.
     */
    @Param({"random", "sequential"})
    String order;

    private InetAddress[] clients;
    private int next;

    @Setup
    public void order() {
      clients = Clients.ipv4(0, ENTRIES);
      if (order.equals("random")) {
        Collections.shuffle(Arrays.asList(clients), new Random(42));
      }
    }

    InetAddress next() {
      InetAddress client = clients[next];
      next = (next + 1 == clients.length) ? 0 : next + 1;
      return client;
    }
  }

  /** {@code stick match src} on accept: the server of a known client. */
  @Benchmark
  public int match(Known known) {
    return table.match(known.next());
  }

  /**
   * {@code stick store-request src} once the server is connected, for a client that has an entry,
   * then the end of that connection: the steady state of a client that comes back.
   */
  @Benchmark
  public StickEntry store(Known known) {
    StickEntry entry = table.store(known.next(), 1);
    entry.connectionClosed();
    return entry;
  }

  /**
   * {@code stick on src} for a client that comes back, as one connection does it: the entry opened
   * on accept (its server, the connection counted), confirmed once connected, the end of the
   * connection.
   */
  @Benchmark
  public StickEntry stickOn(Known known) {
    StickEntry entry = table.open(known.next(), StickTable.NO_SERVER);
    table.connected(entry, entry.state(), entry.serverId());
    entry.connectionClosed();
    return entry;
  }

  /**
   * The same client with a match on accept and a store once connected: {@code stick match} and
   * {@code stick store-request} as two rules, and {@code stick on} before a new client's first
   * connection reserved its entry at the pick; what {@link #stickOn} is compared with.
   */
  @Benchmark
  public StickEntry matchThenStore(Known known) {
    InetAddress client = known.next();
    StickEntry entry = table.store(client, table.match(client));
    entry.connectionClosed();
    return entry;
  }

  /**
   * {@code stick on src} for a new client into the full table, which purges its least recently
   * touched entry to make room: the miss on accept, the entry reserved with the picked server,
   * confirmed once connected, the end of the connection. Allocates the new entry.
   */
  @Benchmark
  public StickEntry stickOnNewClient() {
    InetAddress client = nextNewClient();
    if (table.open(client, StickTable.NO_SERVER) != null) {
      throw new IllegalStateException(client + " is in the table");
    }
    StickEntry entry = table.open(client, 1);
    table.connected(entry, entry.state(), 1);
    entry.connectionClosed();
    return entry;
  }

  /** The same new client with a match on accept and a store once connected. */
  @Benchmark
  public StickEntry matchThenStoreNewClient() {
    InetAddress client = nextNewClient();
    if (table.match(client) != StickTable.NO_SERVER) {
      throw new IllegalStateException(client + " is in the table");
    }
    StickEntry entry = table.store(client, 1);
    entry.connectionClosed();
    return entry;
  }

  /** The next client of {@link #churn}, absent from the table. */
  private InetAddress nextNewClient() {
    InetAddress client = churn[nextChurn];
    nextChurn = (nextChurn + 1) % churn.length;
    return client;
  }

  /**
   * A store of a new client into the full table, which purges its least recently touched entry to
   * make room, then the end of the connection: the cost of churn. Allocates the new entry.
   */
  @Benchmark
  public StickEntry replace() {
    InetAddress client = nextNewClient();
    StickEntry entry = table.store(client, 1);
    entry.connectionClosed();
    return entry;
  }
}
