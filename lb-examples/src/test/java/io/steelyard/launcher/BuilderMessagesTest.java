package io.steelyard.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.steelyard.lb.BackendBuilder;
import io.steelyard.lb.Balancer;
import io.steelyard.lb.BalancerBuilder;
import io.steelyard.lb.ConfigException;
import io.steelyard.lb.DefaultsBuilder;
import io.steelyard.lb.FrontendBuilder;
import io.steelyard.lb.ServerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every configuration that the builder refuses, written as a file, gets the builder's own message
 * from {@code steelyard -c}, after the line to blame. (Two frontends or two backends of one name,
 * and a {@code stick} rule without a {@code stick-table}, are reported in HAProxy's words instead,
 * before the builder sees them: see {@code io.steelyard.launcher.haproxy.HaproxyConfigTest}.)
 */
class BuilderMessagesTest {
  private static final String DEFAULTS =
      "defaults\n  timeout connect 5s\n  timeout client 50s\n  timeout server 50s\n";
  private static final Consumer<FrontendBuilder> FRONTEND =
      f -> f.bind("127.0.0.1:0").defaultBackend("bk");
  private static final Consumer<BackendBuilder> BACKEND = b -> b.server("s1", "127.0.0.1:1");

  @TempDir Path dir;

  /**
   * The builder calls and the file that say the same thing, and the line the launcher blames
   * ({@code 0}: the whole configuration).
   */
  record Case(String name, Consumer<BalancerBuilder> builder, String file, int line) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** Frontend ft on line 5, its lines from 6, then backend bk and its lines. */
  private static String config(String frontend, String backend) {
    return DEFAULTS + "frontend ft\n" + frontend + "backend bk\n" + backend;
  }

  private static Case frontend(String name, Consumer<FrontendBuilder> builder, String lines, int line) {
    return new Case(name, b -> b.frontend("ft", builder).backend("bk", BACKEND),
        config(lines, "  server s1 127.0.0.1:1\n"), line);
  }

  /** The backend's header is line 8, its lines from 9. */
  private static Case backend(String name, Consumer<BackendBuilder> builder, String lines, int line) {
    return new Case(name, b -> b.frontend("ft", FRONTEND).backend("bk", builder),
        config("  bind 127.0.0.1:0\n  default_backend bk\n", lines), line);
  }

  /** One server line, line 9. */
  private static Case server(String name, String address, Consumer<ServerBuilder> options, String line) {
    return backend(name, b -> b.server("s1", address, options), "  " + line + "\n", 9);
  }

  /** One defaults line, line 2, in a file with nothing else amiss. */
  private static Case defaults(String name, Consumer<DefaultsBuilder> defaults, String line) {
    return new Case(name, b -> b.defaults(defaults).frontend("ft", FRONTEND).backend("bk", BACKEND),
        "defaults\n  " + line + "\nfrontend ft\n  bind 127.0.0.1:0\n  default_backend bk\n"
            + "backend bk\n  server s1 127.0.0.1:1\n", 2);
  }

  static Stream<Case> cases() {
    return Stream.of(
        server("weight above 256", "127.0.0.1:1", s -> s.weight(300), "server s1 127.0.0.1:1 weight 300"),
        server("negative weight", "127.0.0.1:1", s -> s.weight(-1), "server s1 127.0.0.1:1 weight -1"),
        server("negative server maxconn", "127.0.0.1:1", s -> s.maxConn(-1), "server s1 127.0.0.1:1 maxconn -1"),
        server("weight twice", "127.0.0.1:1", s -> s.weight(1).weight(2), "server s1 127.0.0.1:1 weight 1 weight 2"),
        server("server maxconn twice", "127.0.0.1:1", s -> s.maxConn(1).maxConn(2), "server s1 127.0.0.1:1 maxconn 1 maxconn 2"),
        server("server port 0", "127.0.0.1:0", s -> {}, "server s1 127.0.0.1:0"),
        server("server port above 65535", "127.0.0.1:70000", s -> {}, "server s1 127.0.0.1:70000"),
        server("server port not a number", "127.0.0.1:http", s -> {}, "server s1 127.0.0.1:http"),
        server("server without port", "127.0.0.1", s -> {}, "server s1 127.0.0.1"),
        server("server without host", ":80", s -> {}, "server s1 :80"),
        server("negative maxqueue", "127.0.0.1:1", s -> s.maxQueue(-1), "server s1 127.0.0.1:1 maxqueue -1"),
        server("zero inter", "127.0.0.1:1", s -> s.check().inter(Duration.ZERO), "server s1 127.0.0.1:1 check inter 0"),
        server("zero fastinter", "127.0.0.1:1", s -> s.check().fastInter(Duration.ZERO), "server s1 127.0.0.1:1 check fastinter 0"),
        server("zero downinter", "127.0.0.1:1", s -> s.check().downInter(Duration.ZERO), "server s1 127.0.0.1:1 check downinter 0"),
        server("inter beyond 24.8 days", "127.0.0.1:1", s -> s.check().inter(Duration.ofDays(25)), "server s1 127.0.0.1:1 check inter 25d"),
        server("inter twice", "127.0.0.1:1", s -> s.inter(Duration.ofSeconds(1)).inter(Duration.ofSeconds(2)),
            "server s1 127.0.0.1:1 inter 1s inter 2s"),
        server("zero rise", "127.0.0.1:1", s -> s.check().rise(0), "server s1 127.0.0.1:1 check rise 0"),
        server("fall above 1000", "127.0.0.1:1", s -> s.check().fall(1001), "server s1 127.0.0.1:1 check fall 1001"),
        server("zero error-limit", "127.0.0.1:1", s -> s.check().errorLimit(0), "server s1 127.0.0.1:1 check error-limit 0"),
        server("observe layer4 without check", "127.0.0.1:1", s -> s.observeLayer4(), "server s1 127.0.0.1:1 observe layer4"),
        server("on-marked-down without check", "127.0.0.1:1", s -> s.onMarkedDownShutdownSessions(),
            "server s1 127.0.0.1:1 on-marked-down shutdown-sessions"),
        backend("bad default-server value", b -> b.server("default-server", "127.0.0.1:1", s -> s.weight(300)),
            "  default-server weight 300\n  server s1 127.0.0.1:1\n", 9),
        backend("zero stick-table size", b -> BACKEND.accept(b.stickTable(t -> t.size(0))),
            "  server s1 127.0.0.1:1\n  stick-table type ip size 0\n", 10),
        backend("stick-table size above 100000000", b -> BACKEND.accept(b.stickTable(t -> t.size(1 << 30))),
            "  server s1 127.0.0.1:1\n  stick-table type ip size 1g\n", 10),
        backend("zero stick-table expire", b -> BACKEND.accept(b.stickTable(t -> t.size(1).expire(Duration.ZERO))),
            "  server s1 127.0.0.1:1\n  stick-table type ip size 1 expire 0\n", 10),
        backend("queue timeout beyond 24.8 days", b -> BACKEND.accept(b.queueTimeout(Duration.ofDays(25))),
            "  server s1 127.0.0.1:1\n  timeout queue 25d\n", 10),
        backend("check timeout beyond 24.8 days", b -> BACKEND.accept(b.checkTimeout(Duration.ofDays(25))),
            "  server s1 127.0.0.1:1\n  timeout check 25d\n", 10),
        server("server with broken IPv6", "[::1", s -> {}, "server s1 [::1"),
        backend("server without name", b -> b.server("", "127.0.0.1:1"), "  server \"\" 127.0.0.1:1\n", 9),
        backend("two servers of one name", b -> b.server("s1", "127.0.0.1:1").server("s1", "127.0.0.1:2"),
            "  server s1 127.0.0.1:1\n  server s1 127.0.0.1:2\n", 10),
        backend("retries above 100", b -> BACKEND.accept(b.retries(101)),
            "  server s1 127.0.0.1:1\n  retries 101\n", 10),
        backend("negative retries", b -> BACKEND.accept(b.retries(-1)),
            "  server s1 127.0.0.1:1\n  retries -1\n", 10),
        backend("connect timeout beyond 24.8 days", b -> BACKEND.accept(b.connectTimeout(Duration.ofDays(25))),
            "  server s1 127.0.0.1:1\n  timeout connect 25d\n", 10),
        backend("server timeout beyond 24.8 days", b -> BACKEND.accept(b.serverTimeout(Duration.ofDays(25))),
            "  server s1 127.0.0.1:1\n  timeout server 25d\n", 10),
        backend("backend without server", b -> {}, "  balance leastconn\n", 8),
        frontend("client timeout beyond 24.8 days", f -> FRONTEND.accept(f.clientTimeout(Duration.ofDays(25))),
            "  bind 127.0.0.1:0\n  default_backend bk\n  timeout client 25d\n", 8),
        frontend("negative frontend maxconn", f -> FRONTEND.accept(f.maxConn(-1)),
            "  bind 127.0.0.1:0\n  default_backend bk\n  maxconn -1\n", 8),
        frontend("bind port above 65535", f -> f.bind("127.0.0.1:70000").defaultBackend("bk"),
            "  bind 127.0.0.1:70000\n  default_backend bk\n", 6),
        frontend("bind port not a number", f -> f.bind("127.0.0.1:x").defaultBackend("bk"),
            "  bind 127.0.0.1:x\n  default_backend bk\n", 6),
        frontend("bind without port", f -> f.bind("127.0.0.1").defaultBackend("bk"),
            "  bind 127.0.0.1\n  default_backend bk\n", 6),
        frontend("default backend without name", f -> f.bind("127.0.0.1:0").defaultBackend(""),
            "  bind 127.0.0.1:0\n  default_backend ''\n", 7),
        frontend("unknown default backend", f -> f.bind("127.0.0.1:0").defaultBackend("nope"),
            "  bind 127.0.0.1:0\n  default_backend nope\n", 7),
        frontend("no default backend", f -> f.bind("127.0.0.1:0"), "  bind 127.0.0.1:0\n", 5),
        frontend("no bind", f -> f.defaultBackend("bk"), "  default_backend bk\n", 5),
        new Case("no frontend", b -> b.backend("bk", BACKEND), DEFAULTS + "backend bk\n  server s1 127.0.0.1:1\n", 0),
        new Case("negative global maxconn", b -> b.maxConn(-1).frontend("ft", FRONTEND).backend("bk", BACKEND),
            "global\n  maxconn -1\n" + config("  bind 127.0.0.1:0\n  default_backend bk\n", "  server s1 127.0.0.1:1\n"), 2),
        defaults("negative maxconn in defaults", d -> d.maxConn(-1), "maxconn -1"),
        defaults("retries above 100 in defaults", d -> d.retries(101), "retries 101"),
        defaults("connect timeout beyond 24.8 days in defaults", d -> d.connectTimeout(Duration.ofDays(25)),
            "timeout connect 25d"),
        defaults("client timeout beyond 24.8 days in defaults", d -> d.clientTimeout(Duration.ofDays(25)),
            "timeout client 25d"),
        defaults("server timeout beyond 24.8 days in defaults", d -> d.serverTimeout(Duration.ofDays(25)),
            "timeout server 25d"),
        defaults("queue timeout beyond 24.8 days in defaults", d -> d.queueTimeout(Duration.ofDays(25)),
            "timeout queue 25d"),
        defaults("check timeout beyond 24.8 days in defaults", d -> d.checkTimeout(Duration.ofDays(25)),
            "timeout check 25d"));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void theLauncherGivesTheBuildersMessageAtTheLineToBlame(Case c) throws Exception {
    BalancerBuilder builder = Balancer.builder();
    ConfigException refused =
        catchThrowableOfType(
            ConfigException.class,
            () -> {
              c.builder().accept(builder);
              builder.build();
            });
    assertThat(refused).as("what the builder says").isNotNull();
    Path cfg = Files.writeString(dir.resolve("haproxy.cfg"), c.file());
    Launch run = Launch.of("-c", "-f", cfg.toString());
    assertThat(run.status()).isEqualTo(1);
    String place = c.line() == 0 ? "config" : "parsing [" + cfg + ":" + c.line() + "]";
    assertThat(run.err()).contains("[ALERT] " + place + " : " + refused.getMessage());
  }
}
