package io.steelyard.lb;

import static java.time.Duration.ZERO;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.steelyard.lb.config.BackendConfig;
import io.steelyard.lb.config.BalancerConfig;
import io.steelyard.lb.config.FrontendConfig;
import io.steelyard.lb.config.ServerConfig;
import io.steelyard.lb.config.StickConfig;
import io.steelyard.lb.schedule.Balance;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BalancerBuilderTest {

  private static BalancerBuilder valid() {
    return Balancer.builder()
        .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
        .backend("bk", b -> b.server("s1", "127.0.0.1:8080"));
  }

  @Test
  void buildsWithHaproxyDefaults() {
    BalancerConfig config = valid().build();

    BackendConfig backend = config.backends().get(0);
    assertThat(backend.balance().name()).isEqualTo("roundrobin");
    assertThat(backend.retries()).isEqualTo(3);
    assertThat(backend.redispatch()).isFalse();
    assertThat(backend.connectTimeout()).isEqualTo(ofSeconds(5));
    assertThat(backend.serverTimeout()).isEqualTo(ofSeconds(50));
    ServerConfig server = backend.servers().get(0);
    assertThat(server.weight()).isEqualTo(1);
    assertThat(server.maxConn()).isZero();
    assertThat(server.backup()).isFalse();
    assertThat(server.address()).isEqualTo(new InetSocketAddress("127.0.0.1", 8080));
    FrontendConfig frontend = config.frontends().get(0);
    assertThat(frontend.clientTimeout()).isEqualTo(ofSeconds(50));
    assertThat(frontend.maxConn()).isZero();
  }

  @Test
  void defaultsApplyUnlessOverridden() {
    BalancerConfig config =
        Balancer.builder()
            .defaults(d -> d.connectTimeout(Duration.ofMillis(700)).retries(1).redispatch(true)
                .balance(Balance.leastConn()).maxConn(99))
            .frontend("ft", f -> f.bind(":0").defaultBackend("bk"))
            .backend("bk", b -> b.retries(5).server("s1", "127.0.0.1:80"))
            .build();

    BackendConfig backend = config.backends().get(0);
    assertThat(backend.connectTimeout()).isEqualTo(Duration.ofMillis(700));
    assertThat(backend.retries()).isEqualTo(5);
    assertThat(backend.redispatch()).isTrue();
    assertThat(backend.balance().name()).isEqualTo("leastconn");
    assertThat(config.frontends().get(0).maxConn()).isEqualTo(99);
  }

  @Test
  void parsesHaproxyAddressForms() {
    BalancerConfig config =
        Balancer.builder()
            .frontend("ft", f -> f.bind(":8080").bind("*:8081").bind("[::1]:8082").bind("::1:8083")
                .defaultBackend("bk"))
            .backend("bk", b -> b.server("s1", "[::1]:80"))
            .build();

    assertThat(config.frontends().get(0).binds())
        .containsExactly(
            new InetSocketAddress(8080),
            new InetSocketAddress(8081),
            new InetSocketAddress("::1", 8082),
            new InetSocketAddress("::1", 8083));
    assertThat(config.backends().get(0).servers().get(0).address())
        .isEqualTo(new InetSocketAddress("::1", 80));
  }

  @Test
  void duplicateServerNameIsRefusedAsHaproxyDoes() {
    assertThatThrownBy(
            () -> Balancer.builder()
                .backend("bk", b -> b.server("s1", "127.0.0.1:80").server("s1", "127.0.0.1:81")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("backend 'bk', another server named 's1' was already defined")
        .extracting(e -> ((ConfigException) e).proxy())
        .isEqualTo("bk");
  }

  @Test
  void unknownDefaultBackendIsNamed() {
    BalancerBuilder builder =
        Balancer.builder()
            .frontend("ft", f -> f.bind(":0").defaultBackend("nope"))
            .backend("bk", b -> b.server("s1", "127.0.0.1:80"));

    assertThatThrownBy(builder::build)
        .isInstanceOf(ConfigException.class)
        .hasMessage("frontend 'ft': unable to find required default backend 'nope'");
  }

  @Test
  void backendWithoutServerIsRefused() {
    BalancerBuilder builder =
        Balancer.builder().frontend("ft", f -> f.bind(":0").defaultBackend("bk")).backend("bk", b -> {});

    assertThatThrownBy(builder::build)
        .isInstanceOf(ConfigException.class)
        .hasMessage("backend 'bk': has no server");
  }

  @Test
  void weightOutOfRangeIsNamed() {
    assertThatThrownBy(() -> valid().backend("bk2", b -> b.server("s9", "127.0.0.1:80", s -> s.weight(257))))
        .isInstanceOf(ConfigException.class)
        .hasMessage("backend 'bk2': server 's9': weight must be 0 to 256: 257");
    assertThatThrownBy(() -> valid().backend("bk2", b -> b.server("s9", "127.0.0.1:80", s -> s.weight(-1))))
        .hasMessage("backend 'bk2': server 's9': weight must be 0 to 256: -1");
  }

  @Test
  void portOutOfRangeIsNamed() {
    assertThatThrownBy(() -> valid().backend("bk2", b -> b.server("s1", "127.0.0.1:65536")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("backend 'bk2': server 's1': port must be 1 to 65535 in '127.0.0.1:65536': 65536");
    assertThatThrownBy(() -> valid().backend("bk2", b -> b.server("s1", "127.0.0.1:0")))
        .hasMessage("backend 'bk2': server 's1': port must be 1 to 65535 in '127.0.0.1:0': 0");
    assertThatThrownBy(() -> valid().frontend("ft2", f -> f.bind(":70000")))
        .hasMessage("frontend 'ft2': bind: port must be 0 to 65535 in ':70000': 70000");
    assertThatThrownBy(() -> valid().backend("bk2", b -> b.server("s1", "127.0.0.1")))
        .hasMessage("backend 'bk2': server 's1': address '127.0.0.1' has no port (expected host:port)");
  }

  @Test
  void aZeroTimeoutIsNoTimeoutAsInHaproxy() {
    BalancerConfig config = Balancer.builder()
        .defaults(d -> d.serverTimeout(ZERO).queueTimeout(ZERO))
        .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk").clientTimeout(ZERO))
        .backend("bk", b -> b.server("s1", "127.0.0.1:8080").connectTimeout(ZERO))
        .backend("bk2", b -> b.server("s1", "127.0.0.1:8080").serverTimeout(ofSeconds(1)))
        .build();
    assertThat(config.frontends().get(0).clientTimeout()).isEqualTo(ZERO);
    BackendConfig bk = config.backends().get(0);
    assertThat(bk.connectTimeout()).isEqualTo(ZERO);
    assertThat(bk.serverTimeout()).isEqualTo(ZERO);
    assertThat(bk.queueTimeout()).isEqualTo(ZERO);
    BackendConfig bk2 = config.backends().get(1);
    assertThat(bk2.connectTimeout()).isEqualTo(ofSeconds(5));
    assertThat(bk2.serverTimeout()).isEqualTo(ofSeconds(1));
    assertThat(bk2.queueTimeout()).isEqualTo(ZERO);
    assertThat(valid().defaults(d -> d.connectTimeout(ZERO)).build().backends().get(0).queueTimeout())
        .as("the connect timeout's, none")
        .isEqualTo(ZERO);
  }

  @Test
  void aNegativeTimeoutIsRefusedAndACheckTimeoutMustBePositive() {
    assertThatThrownBy(() -> valid().backend("bk2", b -> b.connectTimeout(ofSeconds(-1))))
        .isInstanceOf(ConfigException.class)
        .hasMessage("backend 'bk2': connect timeout must be >= 0 (0 for none): PT-1S");
    assertThatThrownBy(() -> valid().backend("bk2", b -> b.serverTimeout(ofSeconds(-2))))
        .hasMessage("backend 'bk2': server timeout must be >= 0 (0 for none): PT-2S");
    assertThatThrownBy(() -> valid().backend("bk2", b -> b.queueTimeout(ofSeconds(-3))))
        .hasMessage("backend 'bk2': queue timeout must be >= 0 (0 for none): PT-3S");
    assertThatThrownBy(() -> valid().frontend("ft2", f -> f.clientTimeout(Duration.ofMillis(-5))))
        .hasMessage("frontend 'ft2': client timeout must be >= 0 (0 for none): PT-0.005S");
    assertThatThrownBy(() -> valid().defaults(d -> d.serverTimeout(Duration.ofNanos(-1))))
        .hasMessage("defaults: server timeout must be >= 0 (0 for none): PT-0.000000001S");
    assertThatThrownBy(() -> valid().defaults(d -> d.connectTimeout(ofSeconds(-1))))
        .hasMessage("defaults: connect timeout must be >= 0 (0 for none): PT-1S");
    assertThatThrownBy(() -> valid().defaults(d -> d.clientTimeout(ofSeconds(-1))))
        .hasMessage("defaults: client timeout must be >= 0 (0 for none): PT-1S");
    assertThatThrownBy(() -> valid().defaults(d -> d.queueTimeout(ofSeconds(-1))))
        .hasMessage("defaults: queue timeout must be >= 0 (0 for none): PT-1S");
    assertThatThrownBy(() -> valid().backend("bk2", b -> b.checkTimeout(ZERO)))
        .hasMessage("backend 'bk2': check timeout must be > 0: PT0S");
    assertThatThrownBy(() -> valid().backend("bk2", b -> b.checkTimeout(ofSeconds(-1))))
        .hasMessage("backend 'bk2': check timeout must be > 0: PT-1S");
  }

  @Test
  void settingTwiceIsRefused() {
    assertThatThrownBy(() -> valid().backend("bk2", b -> b.retries(2).retries(3)))
        .isInstanceOf(ConfigException.class)
        .hasMessage("backend 'bk2': retries was already set to 2");
  }

  @Test
  void duplicateProxyNamesAreRefused() {
    assertThatThrownBy(() -> valid().backend("bk", b -> b.server("s1", "127.0.0.1:80")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("backend 'bk' is defined twice");
    assertThatThrownBy(() -> valid().frontend("ft", f -> f.bind(":0")))
        .hasMessage("frontend 'ft' is defined twice");
  }

  @Test
  void frontendNeedsBindAndBackend() {
    assertThatThrownBy(
            () -> Balancer.builder().frontend("ft", f -> f.defaultBackend("bk"))
                .backend("bk", b -> b.server("s1", "127.0.0.1:80")).build())
        .hasMessage("frontend 'ft': has no bind address");
    assertThatThrownBy(
            () -> Balancer.builder().frontend("ft", f -> f.bind(":0"))
                .backend("bk", b -> b.server("s1", "127.0.0.1:80")).build())
        .hasMessage("frontend 'ft': has no default backend");
  }

  @Test
  void stickRulesNeedATableAndObserveNeedsChecks() {
    assertThatThrownBy(() -> valid().backend("bk2", b -> b.stickOnSource().server("s1", "127.0.0.1:80")).build())
        .isInstanceOf(ConfigException.class)
        .hasMessage("backend 'bk2': 'stick on src' needs a stick-table");
    assertThatThrownBy(
            () -> valid().backend("bk2", b -> b.server("s1", "127.0.0.1:80", s -> s.observeLayer4())).build())
        .hasMessage("backend 'bk2': server 's1': observe layer4 requires check");
  }

  @Test
  void checkAndStickSettingsTakeHaproxyDefaults() {
    BackendConfig backend =
        Balancer.builder()
            .frontend("ft", f -> f.bind(":0").defaultBackend("bk"))
            .backend("bk", b -> b.stickOnSource(t -> t.size(200_000))
                .server("s1", "127.0.0.1:80", s -> s.check()))
            .build()
            .backends()
            .get(0);

    assertThat(backend.stick()).isEqualTo(new StickConfig(200_000, Duration.ofMinutes(30), true, true, null));
    assertThat(backend.queueTimeout()).as("defaults to the connect timeout").isEqualTo(ofSeconds(5));
    io.steelyard.lb.health.CheckSettings check = backend.servers().get(0).check();
    assertThat(check.inter()).isEqualTo(ofSeconds(2));
    assertThat(check.fastInter()).isEqualTo(ofSeconds(2));
    assertThat(check.downInter()).isEqualTo(ofSeconds(2));
    assertThat(check.rise()).isEqualTo(2);
    assertThat(check.fall()).isEqualTo(3);
    assertThat(check.errorLimit()).isEqualTo(10);
    assertThat(check.onError()).isEqualTo(io.steelyard.lb.health.OnError.FASTINTER);
  }

  @Test
  void peersSectionsAreCheckedAtBuild(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    assertThatThrownBy(() -> Balancer.builder().peers("p", p -> p.peer("lb2", "127.0.0.1:10000")).build())
        .isInstanceOf(ConfigException.class).hasMessage("peers 'p': no local peer: one peer must be this balancer (local(name, address))");
    assertThatThrownBy(() -> Balancer.builder().peers("p", p -> p.local("lb1", "127.0.0.1:10000").peer("lb1", "127.0.0.1:10001")))
        .isInstanceOf(ConfigException.class).hasMessage("peers 'p': peer 'lb1' is defined twice");
    assertThatThrownBy(() -> Balancer.builder().peers("p", p -> p.local("lb 1", "127.0.0.1:10000")))
        .isInstanceOf(ConfigException.class).hasMessage("peers 'p': peer name must be printable, without spaces: 'lb 1'");
    assertThatThrownBy(() -> Balancer.builder().peers("p", p -> p.tls(dir.resolve("lb1.pem"), dir.resolve("ca.pem"))))
        .isInstanceOf(ConfigException.class).hasMessage("peers 'p': tls: cannot read the certificate '" + dir.resolve("lb1.pem") + "'");
    assertThatThrownBy(() -> Balancer.builder()
            .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
            .backend("bk", b -> b.stickTable(t -> t.peers("nope")).stickOnSource().server("s1", "127.0.0.1:1"))
            .build())
        .isInstanceOf(ConfigException.class)
        .hasMessage("backend 'bk': stick-table peers: no peers section named 'nope' (defined: [])");
  }
}
