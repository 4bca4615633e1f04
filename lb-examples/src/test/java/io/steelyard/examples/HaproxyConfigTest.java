package io.steelyard.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.steelyard.lb.BackendConfig;
import io.steelyard.lb.BalancerConfig;
import io.steelyard.lb.FrontendConfig;
import io.steelyard.lb.ServerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The parser of HAProxy-style files: every keyword, and every mistake with its file and line. */
class HaproxyConfigTest {
  /** Sets every timeout, so that no warning is expected; 5 lines. */
  private static final String DEFAULTS =
      "defaults\n  mode tcp\n  timeout connect 5s\n  timeout client 50s\n  timeout server 50s\n";

  private static HaproxyConfig parse(String text) {
    return HaproxyConfig.parse("haproxy.cfg", text);
  }

  private static BalancerConfig check(String text) {
    return parse(text).check();
  }

  /** The errors of {@code text}, one a line, whether found while reading or while building. */
  private static String error(String text) {
    try {
      parse(text).check();
    } catch (ConfigFileException e) {
      return e.getMessage();
    }
    throw new AssertionError("no error in:\n" + text);
  }

  /** {@code DEFAULTS}, then a frontend ft on lines 6-8 and, on line 9, {@code backend bk}. */
  private static String withBackend(String... backendLines) {
    return DEFAULTS
        + "frontend ft\n  bind 127.0.0.1:0\n  default_backend bk\nbackend bk\n"
        + String.join("\n", backendLines) + "\n";
  }

  /** {@code DEFAULTS}, then on line 6 {@code frontend ft}, its lines, and a backend bk with s1. */
  private static String withFrontend(String... frontendLines) {
    return DEFAULTS + "frontend ft\n" + String.join("\n", frontendLines)
        + "\nbackend bk\n  server s1 127.0.0.1:8001\n";
  }

  private static InetSocketAddress address(String host, int port) throws IOException {
    return new InetSocketAddress(InetAddress.getByName(host), port);
  }

  @Test
  void aFullConfigurationRunsWithHaproxysMeaning() throws IOException {
    BalancerConfig config = check("""
        global
            maxconn 4000
        defaults
            mode tcp
            timeout connect 4s
            timeout client 1m
            timeout server 2m
            retries 2
            option redispatch
        frontend ft_app
            bind :8080,127.0.0.1:8081
            bind [::1]:8082
            maxconn 1000
            default_backend bk_app
        backend bk_app
            balance leastconn
            server s1 10.0.0.1:80 weight 3 maxconn 50
            server s2 10.0.0.2:80
            server spare 10.0.0.3:80 backup
        """);
    assertThat(config.maxConn()).isEqualTo(4000);
    FrontendConfig frontend = config.frontends().get(0);
    assertThat(frontend.name()).isEqualTo("ft_app");
    assertThat(frontend.binds())
        .containsExactly(
            new InetSocketAddress(8080), address("127.0.0.1", 8081), address("::1", 8082));
    assertThat(frontend.maxConn()).isEqualTo(1000);
    assertThat(frontend.clientTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(frontend.defaultBackend()).isEqualTo("bk_app");
    BackendConfig backend = config.backends().get(0);
    assertThat(backend.name()).isEqualTo("bk_app");
    assertThat(backend.balance().name()).isEqualTo("leastconn");
    assertThat(backend.connectTimeout()).isEqualTo(Duration.ofSeconds(4));
    assertThat(backend.serverTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(backend.retries()).isEqualTo(2);
    assertThat(backend.redispatch()).isTrue();
    List<ServerConfig> servers = backend.servers();
    assertThat(servers).extracting(ServerConfig::name).containsExactly("s1", "s2", "spare");
    assertThat(servers.get(0).address()).isEqualTo(address("10.0.0.1", 80));
    assertThat(servers.get(0).weight()).isEqualTo(3);
    assertThat(servers.get(0).maxConn()).isEqualTo(50);
    assertThat(servers.get(0).backup()).isFalse();
    assertThat(servers.get(1).weight()).isEqualTo(1);
    assertThat(servers.get(1).maxConn()).isZero();
    assertThat(servers.get(2).backup()).isTrue();
  }

  @Test
  void commentsBlankLinesIndentationAndQuotesAreRead() {
    BalancerConfig config = check("""
        # Steelyard reads HAProxy's files

        defaults   # trailing comments too
        \tmode "tcp"
          timeout connect '5s'
          timeout client 50s
          timeout server 50s
        frontend ft
          bind "127.0.0.1:0"
          default_backend bk
        backend bk
          server s1 127.0.0.1:8001 # the only one
        """);
    assertThat(config.backends().get(0).servers()).hasSize(1);
    assertThat(config.frontends().get(0).defaultBackend()).isEqualTo("bk");
  }

  @Nested
  class Global {

    @Test
    void maxconnIsTheLimitOverAllFrontends() {
      assertThat(check("global\n  maxconn 1234\n" + withBackend("  server s1 127.0.0.1:8001")).maxConn())
          .isEqualTo(1234);
    }

    @Test
    void processSettingsAreAcceptedWithANoticeEach() {
      HaproxyConfig config = parse("""
          global
              log /dev/log local0
              chroot /var/lib/haproxy
              user haproxy
              group haproxy
              daemon
              stats timeout 30s
          """ + withBackend("  server s1 127.0.0.1:8001"));
      assertThat(config.notes())
          .containsExactly(
              "[NOTICE] haproxy.cfg:2 : 'log' does not apply to Steelyard (it logs through SLF4J, set up by the application); ignored",
              "[NOTICE] haproxy.cfg:3 : 'chroot' does not apply to Steelyard (a JVM cannot change its root directory); ignored",
              "[NOTICE] haproxy.cfg:4 : 'user' does not apply to Steelyard (it runs as the user who started the JVM); ignored",
              "[NOTICE] haproxy.cfg:5 : 'group' does not apply to Steelyard (it runs as the user who started the JVM); ignored",
              "[NOTICE] haproxy.cfg:6 : 'daemon' does not apply to Steelyard (runs in the foreground of its JVM); ignored",
              "[NOTICE] haproxy.cfg:7 : 'stats timeout' does not apply to Steelyard (it has no stats socket); ignored");
      config.check();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "foo bar          | unknown keyword 'foo' in 'global' section",
      "bind :80         | unknown keyword 'bind' in 'global' section",
      "maxconn          | 'maxconn' expects an integer argument.",
      "maxconn 1 2      | 'maxconn' cannot handle unexpected argument '2'.",
      "maxconn 10k      | 'maxconn' expects an integer argument (got '10k').",
      "daemon yes       | 'daemon' cannot handle unexpected argument 'yes'.",
      "log /dev/log     | 'log' expects <address> and <facility> as arguments.",
      "chroot           | 'chroot' expects a directory as an argument.",
      "user             | 'user' expects a user name as an argument.",
      "stats socket /s  | 'stats' supports only 'timeout' in Steelyard (got 'socket').",
      "stats timeout    | 'stats timeout' expects a time as an argument.",
      "stats timeout 5x | unexpected character 'x' in 'stats timeout'",
    })
    void mistakesAreErrorsAtTheirLine(String line, String message) {
      assertThat(error("global\n  " + line + "\n" + withBackend("  server s1 127.0.0.1:8001")))
          .isEqualTo("parsing [haproxy.cfg:2] : " + message);
    }

    @Test
    void aSecondMaxconnWinsWithAWarning() {
      HaproxyConfig config =
          parse("global\n  maxconn 1\n  maxconn 2\n" + withBackend("  server s1 127.0.0.1:8001"));
      assertThat(config.notes())
          .containsExactly("[WARNING] haproxy.cfg:3 : 'maxconn' already specified at line 2; the last one applies");
      assertThat(config.check().maxConn()).isEqualTo(2);
    }
  }

  @Nested
  class Sections {

    @Test
    void aKeywordBeforeAnySectionIsAnError() {
      assertThat(error("  maxconn 10\n" + withBackend("  server s1 127.0.0.1:8001")))
          .isEqualTo("parsing [haproxy.cfg:1] : unknown keyword 'maxconn' out of section.");
    }

    @Test
    void anUnknownKeywordNamesItsSection() {
      assertThat(error(withBackend("  server s1 127.0.0.1:8001", "  foo bar")))
          .isEqualTo("parsing [haproxy.cfg:11] : unknown keyword 'foo' in 'backend' section");
      assertThat(error(withFrontend("  bind 127.0.0.1:0", "  foo", "  default_backend bk")))
          .isEqualTo("parsing [haproxy.cfg:8] : unknown keyword 'foo' in 'frontend' section");
      assertThat(error("defaults\n  foo\n" + withBackend("  server s1 127.0.0.1:8001")))
          .isEqualTo("parsing [haproxy.cfg:2] : unknown keyword 'foo' in 'defaults' section");
    }

    @Test
    void aGlobalKeywordInAProxySectionIsAnError() {
      assertThat(error(withBackend("  server s1 127.0.0.1:8001", "  daemon")))
          .isEqualTo("parsing [haproxy.cfg:11] : 'daemon' is only supported in the 'global' section by Steelyard");
    }

    @Test
    void aSectionNeedsOneValidName() {
      assertThat(error(DEFAULTS + "frontend\n  bind :0\n"))
          .isEqualTo("parsing [haproxy.cfg:6] : 'frontend' expects an <id> argument");
      assertThat(error(DEFAULTS + "backend a b\n  server s1 127.0.0.1:1\n"))
          .isEqualTo("parsing [haproxy.cfg:6] : 'backend' cannot handle unexpected argument 'b'.");
      assertThat(error(DEFAULTS + "listen 'a b'\n  server s1 127.0.0.1:1\n"))
          .isEqualTo("parsing [haproxy.cfg:6] : character ' ' is not permitted in 'listen' name 'a b'.");
      assertThat(error(DEFAULTS + "backend bk from base\n  server s1 127.0.0.1:1\n"))
          .startsWith("parsing [haproxy.cfg:6] : 'from' is not supported by Steelyard");
      assertThat(error("global extra\n" + withBackend("  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:1] : 'global' cannot handle unexpected argument 'extra'.");
    }

    @Test
    void theLinesOfASectionWithABadHeaderAreStillChecked() {
      assertThat(error(DEFAULTS + "backend 'b k'\n  server s1 127.0.0.1:1 bogus\n"))
          .isEqualTo("parsing [haproxy.cfg:6] : character ' ' is not permitted in 'backend' name 'b k'.\n"
              + "parsing [haproxy.cfg:7] : 'server b k/s1' : unknown keyword 'bogus' (Steelyard supports weight, maxconn and backup).");
    }

    @Test
    void twoFrontendsOrTwoBackendsCannotShareANameButAFrontendAndABackendMay() {
      assertThat(error(withBackend("  server s1 127.0.0.1:1") + "frontend ft\n  bind :0\n"))
          .isEqualTo("parsing [haproxy.cfg:11] : frontend 'ft' has the same name as frontend 'ft' declared at haproxy.cfg:6.");
      assertThat(error(withBackend("  server s1 127.0.0.1:1") + "backend bk\n  server s1 127.0.0.1:1\n"))
          .isEqualTo("parsing [haproxy.cfg:11] : backend 'bk' has the same name as backend 'bk' declared at haproxy.cfg:9.");
      assertThat(error(withBackend("  server s1 127.0.0.1:1") + "listen bk\n  server s1 127.0.0.1:1\n"))
          .isEqualTo("parsing [haproxy.cfg:11] : proxy 'bk' has the same name as backend 'bk' declared at haproxy.cfg:9.");
      BalancerConfig config = check(DEFAULTS + """
          frontend app
            bind 127.0.0.1:0
            default_backend app
          backend app
            server s1 127.0.0.1:1
          """);
      assertThat(config.frontends().get(0).defaultBackend()).isEqualTo("app");
    }

    @Test
    void everyErrorOfTheFileIsReportedAtOnce() {
      assertThat(error(withBackend("  server s1 127.0.0.1:1", "  foo", "  balance none", "  bar")).split("\n"))
          .containsExactly(
              "parsing [haproxy.cfg:11] : unknown keyword 'foo' in 'backend' section",
              "parsing [haproxy.cfg:12] : unknown balance algorithm 'none' (expected leastconn, roundrobin, source or first)",
              "parsing [haproxy.cfg:13] : unknown keyword 'bar' in 'backend' section");
    }

    @Test
    void anUnmatchedQuoteIsAnErrorAtItsLine() {
      assertThat(error(withBackend("  server s1 \"127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : unmatched quote \" in 'server s1 \"127.0.0.1:1'");
    }
  }

  @Nested
  class Defaults {

    @Test
    void eachDefaultsSectionResetsAndAppliesToTheSectionsAfterIt() {
      BalancerConfig config = check("""
          defaults
            mode tcp
            timeout connect 1s
            timeout client 2s
            timeout server 3s
            retries 5
            balance source
            maxconn 7
          frontend ft1
            bind 127.0.0.1:0
            default_backend bk1
          backend bk1
            server s1 127.0.0.1:1
          defaults
            timeout server 9s
          frontend ft2
            bind 127.0.0.1:0
            default_backend bk2
          backend bk2
            server s1 127.0.0.1:1
          """);
      BackendConfig bk1 = config.backends().get(0);
      assertThat(bk1.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
      assertThat(bk1.serverTimeout()).isEqualTo(Duration.ofSeconds(3));
      assertThat(bk1.retries()).isEqualTo(5);
      assertThat(bk1.balance().name()).isEqualTo("source");
      assertThat(config.frontends().get(0).clientTimeout()).isEqualTo(Duration.ofSeconds(2));
      assertThat(config.frontends().get(0).maxConn()).isEqualTo(7);
      BackendConfig bk2 = config.backends().get(1);
      assertThat(bk2.serverTimeout()).isEqualTo(Duration.ofSeconds(9));
      assertThat(bk2.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
      assertThat(bk2.retries()).isEqualTo(3);
      assertThat(bk2.balance().name()).isEqualTo("roundrobin");
      assertThat(config.frontends().get(1).clientTimeout()).isEqualTo(Duration.ofSeconds(50));
      assertThat(config.frontends().get(1).maxConn()).isZero();
    }

    @Test
    void aSectionsOwnSettingWinsOverItsDefaults() {
      BalancerConfig config = check(withBackend(
          "  server s1 127.0.0.1:1", "  timeout connect 100ms", "  no option redispatch"));
      assertThat(config.backends().get(0).connectTimeout()).isEqualTo(Duration.ofMillis(100));
      assertThat(config.backends().get(0).redispatch()).isFalse();
    }

    @Test
    void aDefaultBackendInDefaultsServesEveryFrontend() {
      BalancerConfig config = check(DEFAULTS + """
            default_backend bk
          frontend ft
            bind 127.0.0.1:0
          backend bk
            server s1 127.0.0.1:1
          """);
      assertThat(config.frontends().get(0).defaultBackend()).isEqualTo("bk");
    }

    @Test
    void bindAndServerAreNotAllowedInDefaults() {
      assertThat(error("defaults\n  bind :80\n" + withBackend("  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:2] : 'bind' not allowed in 'defaults' section.");
      assertThat(error("defaults\n  server s1 127.0.0.1:1\n" + withBackend("  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:2] : 'server' not allowed in 'defaults' section.");
    }

    @Test
    void aBadValueInDefaultsIsAnErrorEvenWhenNoSectionUsesIt() {
      assertThat(error(withBackend("  server s1 127.0.0.1:1") + "defaults\n  timeout connect 0\n"))
          .startsWith("parsing [haproxy.cfg:12] : defaults: connect timeout must be > 0");
    }

    @Test
    void aNamedDefaultsSectionIsTheLastDefaultsToo() {
      BalancerConfig config = check(
          "defaults base\n  timeout connect 2s\n  timeout client 1s\n  timeout server 1s\n"
              + "frontend ft\n  bind 127.0.0.1:0\n  default_backend bk\n"
              + "backend bk\n  server s1 127.0.0.1:1\n");
      assertThat(config.backends().get(0).connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    }
  }

  @Nested
  class Listen {

    @Test
    void aListenSectionIsAFrontendAndABackendOfTheSameName() {
      BalancerConfig config = check(DEFAULTS + """
          listen web
            bind 127.0.0.1:0
            balance first
            maxconn 10
            server s1 127.0.0.1:1 maxconn 5
          """);
      assertThat(config.frontends()).extracting(FrontendConfig::name).containsExactly("web");
      assertThat(config.frontends().get(0).defaultBackend()).isEqualTo("web");
      assertThat(config.frontends().get(0).maxConn()).isEqualTo(10);
      assertThat(config.backends()).extracting(BackendConfig::name).containsExactly("web");
      assertThat(config.backends().get(0).balance().name()).isEqualTo("first");
    }

    @Test
    void aListenSectionWithoutServersMaySendItsConnectionsElsewhere() {
      BalancerConfig config = check(DEFAULTS + """
          listen web
            bind 127.0.0.1:0
            default_backend bk
          backend bk
            server s1 127.0.0.1:1
          """);
      assertThat(config.frontends().get(0).defaultBackend()).isEqualTo("bk");
      assertThat(config.backends()).extracting(BackendConfig::name).containsExactly("bk");
    }

    @Test
    void aListenSectionWithNeitherServersNorDefaultBackendHasNoServer() {
      assertThat(error(DEFAULTS + "listen web\n  bind 127.0.0.1:0\n"))
          .isEqualTo("parsing [haproxy.cfg:6] : backend 'web': has no server");
    }

    @Test
    void aDuplicateServerInAListenIsNamedAsHaproxyNamesAListen() {
      assertThat(error(DEFAULTS + "listen web\n  bind :0\n  server s1 127.0.0.1:1\n  server s1 127.0.0.1:2\n"))
          .isEqualTo("parsing [haproxy.cfg:9] : proxy 'web', another server named 's1' was already defined at line 8, please use distinct names.");
    }
  }

  @Nested
  class Mode {

    @Test
    void tcpIsTheOnlyMode() {
      check(withBackend("  mode tcp", "  server s1 127.0.0.1:1"));
      assertThat(error(withBackend("  mode http", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'mode http' is not supported: Steelyard balances TCP connections only (use 'mode tcp').");
      assertThat(error("defaults\n  mode http\n" + withBackend("  server s1 127.0.0.1:1")))
          .startsWith("parsing [haproxy.cfg:2] : 'mode http' is not supported");
      assertThat(error(withBackend("  mode udp", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : unknown proxy mode 'udp'.");
      assertThat(error(withBackend("  mode", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'mode' expects one of 'tcp' or 'http'.");
    }
  }

  @Nested
  class Bind {

    @ParameterizedTest
    @CsvSource({
      ":8080, 0.0.0.0, 8080",
      "*:8080, 0.0.0.0, 8080",
      "0.0.0.0:8080, 0.0.0.0, 8080",
      "[::]:8080, ::, 8080",
      "127.0.0.1:8080, 127.0.0.1, 8080",
      "127.0.0.1:0, 127.0.0.1, 0",
    })
    void haproxysAddressFormsAreTaken(String bind, String host, int port) throws IOException {
      FrontendConfig frontend =
          check(withFrontend("  bind " + bind, "  default_backend bk")).frontends().get(0);
      assertThat(frontend.binds()).containsExactly(address(host, port));
    }

    @Test
    void oneBindMayListSeveralAddresses() throws IOException {
      FrontendConfig frontend =
          check(withFrontend("  bind 127.0.0.1:8001,127.0.0.2:8002", "  default_backend bk"))
              .frontends()
              .get(0);
      assertThat(frontend.binds())
          .containsExactly(address("127.0.0.1", 8001), address("127.0.0.2", 8002));
    }

    @Test
    void mistakesAreErrorsAtTheBindLine() {
      assertThat(error(withFrontend("  bind", "  default_backend bk")))
          .isEqualTo("parsing [haproxy.cfg:7] : 'bind' expects [addr1]:port1{,[addr]:port}... as arguments.");
      assertThat(error(withFrontend("  bind :80 transparent", "  default_backend bk")))
          .isEqualTo("parsing [haproxy.cfg:7] : 'bind :80' in section 'frontend': unknown keyword 'transparent'.");
      assertThat(error(withFrontend("  bind 127.0.0.1:70000", "  default_backend bk")))
          .startsWith("parsing [haproxy.cfg:7] : frontend 'ft': bind: port must be 0 to 65535");
      assertThat(error(withFrontend("  bind 127.0.0.1", "  default_backend bk")))
          .startsWith("parsing [haproxy.cfg:7] : frontend 'ft': bind: address '127.0.0.1' has no port");
      assertThat(error(withBackend("  bind :80", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'bind' not allowed because backend 'bk' has no frontend capability.");
    }

    @Test
    void aFrontendWithoutBindIsAnErrorAtItsHeader() {
      assertThat(error(withFrontend("  default_backend bk")))
          .isEqualTo("parsing [haproxy.cfg:6] : frontend 'ft': has no bind address");
    }
  }

  @Nested
  class DefaultBackend {

    @Test
    void anUnknownDefaultBackendIsAnErrorAtTheDefaultBackendLine() {
      assertThat(error(withFrontend("  bind 127.0.0.1:0", "  default_backend nope")))
          .isEqualTo("parsing [haproxy.cfg:8] : frontend 'ft': unable to find required default backend 'nope'");
      assertThat(error("defaults\n  default_backend nope\n  timeout client 1s\n"
              + "frontend ft\n  bind 127.0.0.1:0\nbackend bk\n  server s1 127.0.0.1:1\n"))
          .startsWith("parsing [haproxy.cfg:2] : frontend 'ft': unable to find required default backend 'nope'");
    }

    @Test
    void aFrontendWithoutDefaultBackendIsAnErrorAtItsHeader() {
      assertThat(error(withFrontend("  bind 127.0.0.1:0")))
          .isEqualTo("parsing [haproxy.cfg:6] : frontend 'ft': has no default backend");
    }

    @Test
    void mistakesAreErrors() {
      assertThat(error(withFrontend("  bind 127.0.0.1:0", "  default_backend")))
          .isEqualTo("parsing [haproxy.cfg:8] : 'default_backend' expects a backend name.");
      assertThat(error(withFrontend("  bind 127.0.0.1:0", "  default_backend a b")))
          .isEqualTo("parsing [haproxy.cfg:8] : 'default_backend' cannot handle unexpected argument 'b'.");
      assertThat(error(withBackend("  default_backend bk", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'default_backend' not allowed because backend 'bk' has no frontend capability.");
    }
  }

  @Nested
  class Maxconn {

    @Test
    void maxconnLimitsAFrontend() {
      assertThat(check(withFrontend("  bind 127.0.0.1:0", "  maxconn 25", "  default_backend bk"))
              .frontends().get(0).maxConn())
          .isEqualTo(25);
    }

    @Test
    void mistakesAreErrors() {
      assertThat(error(withFrontend("  bind 127.0.0.1:0", "  maxconn 10k", "  default_backend bk")))
          .isEqualTo("parsing [haproxy.cfg:8] : 'maxconn' expects an integer argument (got '10k').");
      assertThat(error(withFrontend("  bind 127.0.0.1:0", "  maxconn -1", "  default_backend bk")))
          .isEqualTo("parsing [haproxy.cfg:8] : frontend 'ft': maxconn must be 0 to 2147483647: -1");
      assertThat(error(withBackend("  maxconn 10", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'maxconn' not allowed because backend 'bk' has no frontend capability.");
    }
  }

  @Nested
  class Timeouts {

    @ParameterizedTest
    @CsvSource({"50000, PT50S", "250ms, PT0.25S", "1500us, PT0.0015S", "3s, PT3S", "2m, PT2M",
        "1h, PT1H", "1d, PT24H"})
    void timesTakeUnitsAndMillisecondsByDefault(String text, Duration expected) {
      BalancerConfig config = check("""
          frontend ft
            bind 127.0.0.1:0
            default_backend bk
            timeout client %1$s
          backend bk
            timeout connect %1$s
            timeout server %1$s
            server s1 127.0.0.1:1
          """.formatted(text));
      assertThat(config.frontends().get(0).clientTimeout()).isEqualTo(expected);
      assertThat(config.backends().get(0).connectTimeout()).isEqualTo(expected);
      assertThat(config.backends().get(0).serverTimeout()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"connect", "server"})
    void aZeroTimeoutIsRefusedByTheBuilderAtItsLine(String which) {
      assertThat(error(withBackend("  timeout " + which + " 0", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : backend 'bk': " + which + " timeout must be > 0: PT0S");
    }

    @Test
    void mistakesAreErrors() {
      assertThat(error(withFrontend("  bind 127.0.0.1:0", "  timeout client 0", "  default_backend bk")))
          .isEqualTo("parsing [haproxy.cfg:8] : frontend 'ft': client timeout must be > 0: PT0S");
      assertThat(error(withBackend("  timeout connect -1s", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : unexpected character '-' in 'timeout connect'");
      assertThat(error(withBackend("  timeout connect 5sec", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : unexpected character 'e' in 'timeout connect'");
      assertThat(error(withBackend("  timeout connect", "  server s1 127.0.0.1:1")))
          .startsWith("parsing [haproxy.cfg:10] : 'timeout connect' expects a time");
      assertThat(error(withBackend("  timeout connect 1s 2s", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'timeout connect' cannot handle unexpected argument '2s'.");
      assertThat(error(withBackend("  timeout queue 1s", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'timeout' supports 'connect', 'client' and 'server' in Steelyard (got 'queue').");
      assertThat(error(withBackend("  timeout", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'timeout' expects 'connect', 'client' or 'server' and a time.");
      assertThat(error(withBackend("  timeout client 1s", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'timeout client' not allowed because backend 'bk' has no frontend capability.");
      assertThat(error(withFrontend("  timeout server 1s")))
          .isEqualTo("parsing [haproxy.cfg:7] : 'timeout server' not allowed because frontend 'ft' has no backend capability.");
      assertThat(error(withBackend("  timeout server 25d", "  server s1 127.0.0.1:1")))
          .startsWith("parsing [haproxy.cfg:10] : backend 'bk': server timeout must be at most");
    }

    @Test
    void missingTimeoutsAreWarningsAndSteelyardsDefaultsApply() {
      HaproxyConfig config = parse("""
          frontend ft
            bind 127.0.0.1:0
            default_backend bk
          backend bk
            timeout server 1s
            server s1 127.0.0.1:1
          listen web
            bind 127.0.0.1:0
            server s1 127.0.0.1:1
          """);
      assertThat(config.notes())
          .containsExactly(
              "[WARNING] haproxy.cfg:1 : missing timeouts for frontend 'ft' ('client'); Steelyard uses its defaults (client 50s)",
              "[WARNING] haproxy.cfg:4 : missing timeouts for backend 'bk' ('connect'); Steelyard uses its defaults (connect 5s)",
              "[WARNING] haproxy.cfg:7 : missing timeouts for proxy 'web' ('client', 'connect', 'server'); Steelyard uses its defaults (client 50s, connect 5s, server 50s)");
      BalancerConfig built = config.check();
      assertThat(built.frontends().get(0).clientTimeout()).isEqualTo(Duration.ofSeconds(50));
      assertThat(built.backends().get(0).connectTimeout()).isEqualTo(Duration.ofSeconds(5));
      assertThat(built.backends().get(1).serverTimeout()).isEqualTo(Duration.ofSeconds(50));
    }

    @Test
    void aTimeoutGivenTwiceKeepsTheLastWithAWarning() {
      HaproxyConfig config = parse(withBackend(
          "  timeout server 1s", "  timeout server 2s", "  server s1 127.0.0.1:1"));
      assertThat(config.notes())
          .containsExactly("[WARNING] haproxy.cfg:11 : overwriting 'timeout server' which was already specified at line 10");
      assertThat(config.check().backends().get(0).serverTimeout()).isEqualTo(Duration.ofSeconds(2));
    }
  }

  @Nested
  class RetriesAndRedispatch {

    @Test
    void retriesAndRedispatchSetTheBackend() {
      BackendConfig backend = check(withBackend(
          "  retries 0", "  option redispatch", "  server s1 127.0.0.1:1")).backends().get(0);
      assertThat(backend.retries()).isZero();
      assertThat(backend.redispatch()).isTrue();
    }

    @Test
    void noOptionRedispatchTurnsOffTheDefaults() {
      BackendConfig backend = check("defaults\n  option redispatch\n"
          + "frontend ft\n  bind 127.0.0.1:0\n  default_backend bk\n"
          + "backend bk\n  no option redispatch\n  server s1 127.0.0.1:1\n").backends().get(0);
      assertThat(backend.redispatch()).isFalse();
    }

    @Test
    void mistakesAreErrors() {
      assertThat(error(withBackend("  retries 101", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : backend 'bk': retries must be 0 to 100: 101");
      assertThat(error(withBackend("  retries", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'retries' expects an integer argument.");
      assertThat(error(withBackend("  retries three", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'retries' expects an integer argument (got 'three').");
      assertThat(error(withFrontend("  retries 3")))
          .isEqualTo("parsing [haproxy.cfg:7] : 'retries' not allowed because frontend 'ft' has no backend capability.");
      assertThat(error(withFrontend("  option redispatch")))
          .isEqualTo("parsing [haproxy.cfg:7] : 'option redispatch' not allowed because frontend 'ft' has no backend capability.");
      assertThat(error(withBackend("  option redispatch 2", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'option redispatch' cannot handle unexpected argument '2'.");
      assertThat(error(withBackend("  option tcplog", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : option 'tcplog' is not supported by Steelyard (supported: 'redispatch').");
      assertThat(error(withBackend("  option", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'option' expects an option name.");
      assertThat(error(withBackend("  no redispatch", "  server s1 127.0.0.1:1")))
          .startsWith("parsing [haproxy.cfg:10] : 'no' expects 'option'");
    }
  }

  @Nested
  class BalanceKeyword {

    @ParameterizedTest
    @ValueSource(strings = {"leastconn", "roundrobin", "source", "first"})
    void everyAlgorithmIsTaken(String algorithm) {
      assertThat(check(withBackend("  balance " + algorithm, "  server s1 127.0.0.1:1"))
              .backends().get(0).balance().name())
          .isEqualTo(algorithm);
    }

    @Test
    void mistakesAreErrors() {
      assertThat(error(withBackend("  balance static-rr", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : unknown balance algorithm 'static-rr' (expected leastconn, roundrobin, source or first)");
      assertThat(error(withBackend("  balance", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'balance' expects an algorithm: leastconn, roundrobin, source or first.");
      assertThat(error(withFrontend("  balance leastconn")))
          .isEqualTo("parsing [haproxy.cfg:7] : 'balance' not allowed because frontend 'ft' has no backend capability.");
    }
  }

  @Nested
  class Server {

    @Test
    void twoServersOfOneNameAreReportedAsHaproxy26Does() {
      assertThat(error(withBackend("  server s1 127.0.0.1:8001", "  server s1 127.0.0.1:8002")))
          .isEqualTo("parsing [haproxy.cfg:11] : backend 'bk', another server named 's1' was already defined at line 10, please use distinct names.");
    }

    @Test
    void mistakesAreErrorsAtTheServerLine() {
      assertThat(error(withBackend("  server s1 127.0.0.1:1 weight 300")))
          .isEqualTo("parsing [haproxy.cfg:10] : backend 'bk': server 's1': weight must be 0 to 256: 300");
      assertThat(error(withBackend("  server s1 127.0.0.1:1 weight -1")))
          .isEqualTo("parsing [haproxy.cfg:10] : backend 'bk': server 's1': weight must be 0 to 256: -1");
      assertThat(error(withBackend("  server s1 127.0.0.1:1 maxconn -5")))
          .startsWith("parsing [haproxy.cfg:10] : backend 'bk': server 's1': maxconn must be 0 to");
      assertThat(error(withBackend("  server s1 127.0.0.1:0")))
          .isEqualTo("parsing [haproxy.cfg:10] : backend 'bk': server 's1': port must be 1 to 65535 in '127.0.0.1:0': 0");
      assertThat(error(withBackend("  server s1 127.0.0.1:70000")))
          .isEqualTo("parsing [haproxy.cfg:10] : backend 'bk': server 's1': port must be 1 to 65535 in '127.0.0.1:70000': 70000");
      assertThat(error(withBackend("  server s1 127.0.0.1")))
          .startsWith("parsing [haproxy.cfg:10] : backend 'bk': server 's1': address '127.0.0.1' has no port");
      assertThat(error(withBackend("  server s1 127.0.0.1:1 weight")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'server bk/s1' : 'weight' expects an integer argument.");
      assertThat(error(withBackend("  server s1 127.0.0.1:1 weight heavy")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'server bk/s1' : 'weight' expects an integer argument (got 'heavy').");
      assertThat(error(withBackend("  server s1 127.0.0.1:1 check")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'server bk/s1' : unknown keyword 'check' (Steelyard supports weight, maxconn and backup).");
      assertThat(error(withBackend("  server s1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'server' expects <name> and <addr>[:<port>] as arguments.");
      assertThat(error(withBackend("  server 's 1' 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : character ' ' is not permitted in server name 's 1'.");
      assertThat(error(withFrontend("  server s2 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:7] : 'server' not allowed because frontend 'ft' has no backend capability.");
    }

    @Test
    void aBackendWithoutServerIsAnErrorAtItsHeader() {
      assertThat(error(withBackend("  balance roundrobin")))
          .isEqualTo("parsing [haproxy.cfg:9] : backend 'bk': has no server");
    }

    @Test
    void noFrontendAtAllIsAnErrorOfTheWholeConfiguration() {
      assertThat(error(DEFAULTS + "backend bk\n  server s1 127.0.0.1:1\n"))
          .isEqualTo("config : no frontend is defined");
    }
  }

  @Nested
  class SeveralFiles {

    @Test
    void severalFilesAreOneConfigurationEachStartingOutsideAnySection(@TempDir Path dir)
        throws IOException {
      Path first = Files.writeString(dir.resolve("a.cfg"), DEFAULTS + "backend bk\n  server s1 127.0.0.1:1\n");
      Path second = Files.writeString(dir.resolve("b.cfg"), "frontend ft\n  bind 127.0.0.1:0\n  default_backend bk\n");
      BalancerConfig config = HaproxyConfig.read(List.of(first, second)).check();
      assertThat(config.frontends().get(0).clientTimeout()).isEqualTo(Duration.ofSeconds(50));
      assertThat(config.backends().get(0).servers()).hasSize(1);

      Path third = Files.writeString(dir.resolve("c.cfg"), "  server s2 127.0.0.1:2\n");
      assertThatThrownBy(() -> HaproxyConfig.read(List.of(first, third)))
          .isInstanceOf(ConfigFileException.class)
          .hasMessage("parsing [" + third + ":1] : unknown keyword 'server' out of section.");
    }

    @Test
    void aMissingFileIsAnError(@TempDir Path dir) {
      Path missing = dir.resolve("missing.cfg");
      assertThatThrownBy(() -> HaproxyConfig.read(List.of(missing)))
          .isInstanceOf(ConfigFileException.class)
          .hasMessage("config : cannot open configuration file '" + missing + "' : no such file or directory");
    }
  }
}
