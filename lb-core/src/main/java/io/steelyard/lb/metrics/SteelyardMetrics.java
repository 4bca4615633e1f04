package io.steelyard.lb.metrics;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.steelyard.lb.Balancer;
import io.steelyard.lb.health.ServerStatus;
import io.steelyard.lb.stats.BackendStats;
import io.steelyard.lb.stats.BackendStatus;
import io.steelyard.lb.stats.FrontendStats;
import io.steelyard.lb.stats.ServerStats;
import io.steelyard.lb.stats.Stats;
import io.steelyard.lb.stats.Traffic;
import java.time.Duration;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * A balancer's counters and gauges in Micrometer, for an application that embeds it: what
 * HAProxy's Prometheus page has ({@link PrometheusPage}), named by Micrometer's conventions.
 *
 * <pre>{@code
 * new SteelyardMetrics(balancer).bindTo(registry);
 * }</pre>
 *
 * <ul>
 *   <li>{@code steelyard.frontend.connections.active}, {@code .connections.max} (the most at once)
 *       and {@code .connections.rate} (over the last second) (gauges), {@code
 *       steelyard.frontend.connections} (counter), {@code steelyard.frontend.bytes.in} and {@code
 *       .bytes.out} (counters, bytes), tag {@code frontend};
 *   <li>the same for {@code steelyard.backend.*} (tag {@code backend}) and {@code
 *       steelyard.server.*} (tags {@code backend}, {@code server}), with {@code .queued} and
 *       {@code .queued.max} (gauges), {@code .connect.errors}, {@code .retries}, {@code
 *       .redispatches} and {@code .aborts} (tag {@code by}: {@code client} or {@code server})
 *       (counters), {@code .connect.time} and {@code .total.time} (gauges, seconds, averaged over
 *       the last 1,024 connections that reached a server); {@code steelyard.backend.up} and {@code
 *       steelyard.server.up} (1 or 0), {@code steelyard.server.weight};
 *   <li>{@code steelyard.logs.dropped} (counter).
 * </ul>
 *
 * <p>The meters are those of the frontends, backends and servers at {@link #bindTo}; a server
 * added later is not among them (bind again to a new registry). Each reads a snapshot of the
 * balancer's statistics, taken at most once a second however many meters are read.
 */
public final class SteelyardMetrics implements MeterBinder {
  private static final long SNAPSHOT_NANOS = Duration.ofSeconds(1).toNanos();

  private final Balancer balancer;
  private @Nullable Stats snapshot;
  private long takenAt;

  public SteelyardMetrics(Balancer balancer) {
    this.balancer = requireNonNull(balancer, "balancer");
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Stats stats = stats();
    for (FrontendStats frontend : stats.frontends()) {
      String name = frontend.name();
      traffic(registry, "steelyard.frontend", Tags.of("frontend", name),
          s -> frontend(s, name).traffic());
    }
    for (BackendStats backend : stats.backends()) {
      String name = backend.name();
      Tags tags = Tags.of("backend", name);
      traffic(registry, "steelyard.backend", tags, s -> backend(s, name).traffic());
      gauge(registry, "steelyard.backend.up", tags, "whether a server takes new connections",
          s -> backend(s, name).status() == BackendStatus.UP ? 1 : 0);
      for (ServerStats server : backend.servers()) {
        String serverName = server.name();
        Tags serverTags = Tags.of("backend", name, "server", serverName);
        traffic(registry, "steelyard.server", serverTags, s -> server(s, name, serverName).traffic());
        gauge(registry, "steelyard.server.up", serverTags, "whether it is up (checks and admin state)",
            s -> server(s, name, serverName).status() == ServerStatus.UP ? 1 : 0);
        gauge(registry, "steelyard.server.weight", serverTags, "its effective weight",
            s -> server(s, name, serverName).weight());
      }
    }
    FunctionCounter.builder("steelyard.logs.dropped", balancer, Balancer::droppedLogs)
        .description("connection log lines dropped because the logging thread fell behind")
        .register(registry);
  }

  private void traffic(MeterRegistry registry, String prefix, Tags tags, java.util.function.Function<Stats, Traffic> of) {
    gauge(registry, prefix + ".connections.active", tags, "connections open now",
        s -> of.apply(s).current());
    gauge(registry, prefix + ".connections.max", tags, "the most connections open at once",
        s -> of.apply(s).maxCurrent());
    gauge(registry, prefix + ".connections.rate", tags, "connections over the last second",
        s -> of.apply(s).rate());
    counter(registry, prefix + ".connections", tags, "connections since start", null,
        s -> of.apply(s).total());
    counter(registry, prefix + ".bytes.in", tags, "bytes from clients", "bytes",
        s -> of.apply(s).bytesIn());
    counter(registry, prefix + ".bytes.out", tags, "bytes to clients", "bytes",
        s -> of.apply(s).bytesOut());
    if (!prefix.endsWith("frontend")) {
      gauge(registry, prefix + ".queued", tags, "connections waiting for a server",
          s -> of.apply(s).queued());
      counter(registry, prefix + ".connect.errors", tags, "failed connections to servers", null,
          s -> of.apply(s).connectErrors());
      counter(registry, prefix + ".retries", tags, "connection retries", null,
          s -> of.apply(s).retries());
      counter(registry, prefix + ".redispatches", tags, "connections redispatched", null,
          s -> of.apply(s).redispatches());
      gauge(registry, prefix + ".queued.max", tags, "the most connections waiting at once",
          s -> of.apply(s).maxQueued());
      counter(registry, prefix + ".aborts", tags.and("by", "client"),
          "connections the client ended while data flowed", null, s -> of.apply(s).clientAborts());
      counter(registry, prefix + ".aborts", tags.and("by", "server"),
          "connections the server ended while data flowed", null, s -> of.apply(s).serverAborts());
      gauge(registry, prefix + ".connect.time", tags, "seconds to connect to the server, averaged",
          s -> of.apply(s).times().connectAverage() / 1000.0);
      gauge(registry, prefix + ".total.time", tags, "seconds from accept to the end, averaged",
          s -> of.apply(s).times().totalAverage() / 1000.0);
    }
  }

  private void gauge(MeterRegistry registry, String name, Tags tags, String description,
      ToDoubleFunction<Stats> value) {
    Gauge.builder(name, this, metrics -> metrics.read(value)).tags(tags).description(description)
        .register(registry);
  }

  private void counter(MeterRegistry registry, String name, Tags tags, String description,
      @Nullable String unit, ToDoubleFunction<Stats> value) {
    FunctionCounter.builder(name, this, metrics -> metrics.read(value)).tags(tags)
        .description(description).baseUnit(unit).register(registry);
  }

  /** The value read from the current snapshot, NaN when its object is gone. */
  private double read(ToDoubleFunction<Stats> value) {
    try {
      return value.applyAsDouble(stats());
    } catch (IllegalArgumentException gone) {
      return Double.NaN;
    }
  }

  private synchronized Stats stats() {
    long now = System.nanoTime();
    if (snapshot == null || now - takenAt > SNAPSHOT_NANOS) {
      snapshot = balancer.stats();
      takenAt = now;
    }
    return snapshot;
  }

  private static FrontendStats frontend(Stats stats, String name) {
    return stats.frontends().stream().filter(f -> f.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no frontend '" + name + "'"));
  }

  private static BackendStats backend(Stats stats, String name) {
    return stats.backend(name);
  }

  private static ServerStats server(Stats stats, String backend, String server) {
    return stats.backend(backend).server(server);
  }
}
