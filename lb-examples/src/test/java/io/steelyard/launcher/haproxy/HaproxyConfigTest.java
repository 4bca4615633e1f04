package io.steelyard.launcher.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.steelyard.launcher.ConfigFileException;
import io.steelyard.lb.config.BackendConfig;
import io.steelyard.lb.config.BalancerConfig;
import io.steelyard.lb.config.FrontendConfig;
import io.steelyard.lb.config.PeerConfig;
import io.steelyard.lb.config.PeerTls;
import io.steelyard.lb.config.TrafficLogging;
import io.steelyard.lb.config.PeersConfig;
import io.steelyard.lb.config.ServerConfig;
import io.steelyard.lb.config.StickConfig;
import io.steelyard.lb.config.TcpKeepAlive;
import io.steelyard.lb.health.Check;
import io.steelyard.lb.health.CheckConnect;
import io.steelyard.lb.health.CheckExpect;
import io.steelyard.lb.health.CheckSend;
import io.steelyard.lb.health.CheckStatus;
import io.steelyard.lb.health.CheckSettings;
import io.steelyard.lb.health.OnError;
import io.steelyard.lb.log.LogFormat;
import io.steelyard.lb.schedule.Balance;
import io.steelyard.lb.transport.Source;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
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
              "[NOTICE] haproxy.cfg:3 : 'chroot' does not apply to Steelyard (a JVM cannot change its root directory); ignored",
              "[NOTICE] haproxy.cfg:4 : 'user' does not apply to Steelyard (it runs as the user who started the JVM); ignored",
              "[NOTICE] haproxy.cfg:5 : 'group' does not apply to Steelyard (it runs as the user who started the JVM); ignored",
              "[NOTICE] haproxy.cfg:6 : 'daemon' does not apply to Steelyard (runs in the foreground of its JVM); ignored");
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
      "stats            | 'stats' only supports 'socket', 'maxconn' and 'timeout' in Steelyard.",
      "stats bind-process 1 | 'stats' only supports 'socket', 'maxconn' and 'timeout' in Steelyard (got 'bind-process').",
      "stats socket     | 'stats socket' in global section expects an address or a path to a UNIX socket",
      "stats socket /s mode 99 | 'stats socket' : ''mode' : missing or invalid mode '99' (octal integer expected)'",
      "stats socket /s mode | 'stats socket' : ''mode' : missing or invalid mode '' (octal integer expected)'",
      "stats socket /s level root | 'stats socket' : ''level' only supports 'user', 'operator', and 'admin' (got 'root')'",
      "stats socket /s level | 'stats socket' : ''level' : missing level'",
      "stats socket /s user haproxy | 'stats socket' : 'user' is not supported by Steelyard (only 'mode' and 'level').",
      "stats socket 127.0.0.1:9999 mode 600 | 'stats socket' : 'mode' applies to a UNIX socket, not to '127.0.0.1:9999'",
      "stats socket 0.0.0.0:9999 | 'stats socket' : stats socket address must be a loopback address (the runtime API has no authentication): /0.0.0.0:9999",
      "stats socket abns@cli | 'stats socket' : address 'abns@cli' is not supported by Steelyard (a path, or a loopback address and port such as 127.0.0.1:9999)",
      "stats socket localhost:1 | 'stats socket' : stats socket address must be a loopback address and port such as 127.0.0.1:9999: 'localhost:1'",
      "stats timeout    | 'stats timeout' expects a time as an argument.",
      "stats timeout 5x | unexpected character 'x' in 'stats timeout'",
      "stats timeout 0  | 'stats timeout' expects a positive value",
      "stats maxconn 0  | 'stats maxconn' expects a positive value",
      "localpeer        | 'localpeer' expects a name as an argument.",
      "localpeer a b    | 'localpeer' cannot handle unexpected argument 'b'.",
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
              + "parsing [haproxy.cfg:7] : 'server b k/s1' : unknown keyword 'bogus' (Steelyard supports id, weight, maxconn, maxqueue, backup, check, inter, fastinter, downinter, rise, fall, observe, error-limit, on-error, on-marked-down, port, addr, check-ssl, check-sni, check-send-proxy, verify, ca-file, agent-check, agent-port, agent-addr, agent-inter and agent-send).");
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
      assertThat(error(withBackend("  server s1 127.0.0.1:1") + "defaults\n  timeout connect 25d\n"))
          .startsWith("parsing [haproxy.cfg:12] : defaults: connect timeout must be at most");
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
          .isEqualTo("parsing [haproxy.cfg:10] : 'mode http' is not supported: Steelyard balances TCP connections only (use 'mode tcp'); a frontend in 'mode http' may serve HAProxy's Prometheus exporter.");
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
      assertThat(error(withFrontend("  bind :80 transparent v4v6", "  default_backend bk")))
          .isEqualTo("parsing [haproxy.cfg:7] : 'bind :80' in section 'frontend': unknown keyword 'v4v6'.");
      assertThat(error(withFrontend("  bind :80 accept-proxy", "  default_backend bk")))
          .isEqualTo("parsing [haproxy.cfg:7] : 'bind :80' in section 'frontend': unknown keyword 'accept-proxy'.");
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

    @Test
    void aZeroTimeoutIsNoTimeoutAsInHaproxyWithAWarning() {
      HaproxyConfig config = parse("""
          defaults
            timeout server 0
          frontend ft
            bind 127.0.0.1:0
            default_backend bk
            timeout client 0
          backend bk
            timeout connect 0s
            server s1 127.0.0.1:1
          listen web
            bind 127.0.0.1:0
            timeout client 1s
            server s1 127.0.0.1:1
          """);
      assertThat(config.notes())
          .containsExactly(
              "[WARNING] haproxy.cfg:3 : missing timeouts for frontend 'ft' ('client'); Steelyard waits forever where the timeout is 0 (client 0), as HAProxy does",
              "[WARNING] haproxy.cfg:7 : missing timeouts for backend 'bk' ('connect', 'server'); Steelyard waits forever where the timeout is 0 (connect 0, server 0), as HAProxy does",
              "[WARNING] haproxy.cfg:10 : missing timeouts for proxy 'web' ('connect', 'server'); Steelyard uses its defaults (connect 5s) and waits forever where the timeout is 0 (server 0), as HAProxy does");
      BalancerConfig built = config.check();
      assertThat(built.frontends().get(0).clientTimeout()).isEqualTo(Duration.ZERO);
      BackendConfig bk = built.backends().get(0);
      assertThat(bk.connectTimeout()).isEqualTo(Duration.ZERO);
      assertThat(bk.serverTimeout()).isEqualTo(Duration.ZERO);
      assertThat(bk.queueTimeout()).as("the connect timeout's").isEqualTo(Duration.ZERO);
      BackendConfig web = built.backends().get(1);
      assertThat(web.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
      assertThat(web.serverTimeout()).isEqualTo(Duration.ZERO);
      assertThat(built.frontends().get(1).clientTimeout()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aZeroQueueOrCheckTimeoutIsNotSetAsInHaproxy() {
      HaproxyConfig config = parse(DEFAULTS + """
            timeout queue 7s
            timeout check 3s
          frontend ft
            bind 127.0.0.1:0
            default_backend bk
          backend bk
            timeout connect 4s
            timeout queue 0
            timeout check 0ms
            server s1 127.0.0.1:1 check
          """);
      assertThat(config.notes())
          .containsExactly(
              "[NOTICE] haproxy.cfg:13 : 'timeout queue 0' is not set, as in HAProxy: a connection waits in a queue as long as the connect timeout",
              "[NOTICE] haproxy.cfg:14 : 'timeout check 0ms' is not set, as in HAProxy: a check may take up to its 'inter'");
      BackendConfig bk = config.check().backends().get(0);
      assertThat(bk.queueTimeout()).isEqualTo(Duration.ofSeconds(4));
      assertThat(bk.checkTimeout()).isNull();
      assertThat(bk.servers().get(0).check().checkTimeout(bk.connectTimeout())).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void mistakesAreErrors() {
      assertThat(error(withFrontend("  bind 127.0.0.1:0", "  timeout client -1", "  default_backend bk")))
          .isEqualTo("parsing [haproxy.cfg:8] : unexpected character '-' in 'timeout client'");
      assertThat(error(withBackend("  timeout connect -1s", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : unexpected character '-' in 'timeout connect'");
      assertThat(error(withBackend("  timeout server -0", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : unexpected character '-' in 'timeout server'");
      assertThat(error(withBackend("  timeout connect 5sec", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : unexpected character 'e' in 'timeout connect'");
      assertThat(error(withBackend("  timeout connect", "  server s1 127.0.0.1:1")))
          .startsWith("parsing [haproxy.cfg:10] : 'timeout connect' expects a time");
      assertThat(error(withBackend("  timeout connect 1s 2s", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'timeout connect' cannot handle unexpected argument '2s'.");
      assertThat(error(withBackend("  timeout tunnel 1h", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'timeout' supports 'connect', 'client', 'server', 'queue' and 'check' in Steelyard (got 'tunnel').");
      assertThat(error(withBackend("  timeout", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'timeout' expects 'connect', 'client', 'server', 'queue' or 'check' and a time.");
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

    @Test
    void queueAndCheckTimeoutsSetTheBackendOrItsDefaults() {
      BalancerConfig config = check(DEFAULTS + """
            timeout queue 7s
            timeout check 3s
          frontend ft
            bind 127.0.0.1:0
            default_backend bk
          backend bk
            timeout queue 2s
            server s1 127.0.0.1:1 check
          backend other
            server s1 127.0.0.1:1
          """);
      BackendConfig bk = config.backends().get(0);
      assertThat(bk.queueTimeout()).isEqualTo(Duration.ofSeconds(2));
      assertThat(bk.checkTimeout()).isEqualTo(Duration.ofSeconds(3));
      assertThat(bk.servers().get(0).check().timeout()).isEqualTo(Duration.ofSeconds(3));
      assertThat(config.backends().get(1).queueTimeout()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void withoutQueueAndCheckTimeoutsAQueueWaitsTheConnectTimeoutAndACheckTakesInter() {
      BackendConfig backend = check(withBackend("  timeout connect 4s", "  server s1 127.0.0.1:1 check"))
          .backends().get(0);
      assertThat(backend.queueTimeout()).isEqualTo(Duration.ofSeconds(4));
      assertThat(backend.checkTimeout()).isNull();
      assertThat(backend.servers().get(0).check().checkTimeout(backend.connectTimeout()))
          .isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void queueAndCheckTimeoutMistakesAreErrorsAtTheirLine() {
      assertThat(error(withFrontend("  timeout queue 1s")))
          .isEqualTo("parsing [haproxy.cfg:7] : 'timeout queue' not allowed because frontend 'ft' has no backend capability.");
      assertThat(error(withFrontend("  timeout check 1s")))
          .isEqualTo("parsing [haproxy.cfg:7] : 'timeout check' not allowed because frontend 'ft' has no backend capability.");
      assertThat(error(withBackend("  timeout queue", "  server s1 127.0.0.1:1")))
          .startsWith("parsing [haproxy.cfg:10] : 'timeout queue' expects a time");
      assertThat(error(withBackend("  timeout check 2q", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : unexpected character 'q' in 'timeout check'");
      assertThat(error(withBackend("  timeout queue -1", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : unexpected character '-' in 'timeout queue'");
    }
  }

  @Nested
  class StickTable {

    private StickConfig stick(String... backendLines) {
      return check(withBackend(backendLines)).backends().get(0).stick();
    }

    @Test
    void stickOnSrcWithATableOfClientAddressesKeepsClientsOnTheirServer() {
      HaproxyConfig config = parse(withBackend(
          "  stick-table type ip size 200k expire 30m", "  stick on src", "  server s1 127.0.0.1:1"));
      assertThat(config.notes()).isEmpty();
      assertThat(config.check().backends().get(0).stick())
          .isEqualTo(new StickConfig(204_800, Duration.ofMinutes(30), true, true, null));
    }

    @ParameterizedTest
    @CsvSource({"100, 100", "1k, 1024", "200k, 204800", "2K, 2048", "1m, 1048576", "95M, 99614720"})
    void theSizeTakesHaproxysBinarySuffixes(String size, int entries) {
      assertThat(stick("  stick-table type ip size " + size, "  stick on src", "  server s1 127.0.0.1:1").size())
          .isEqualTo(entries);
    }

    @Test
    void argumentsComeInAnyOrderAndOneGivenTwiceKeepsTheLast() {
      assertThat(stick("  stick-table expire 1m size 10 type ip size 20", "  stick on src", "  server s1 127.0.0.1:1"))
          .isEqualTo(new StickConfig(20, Duration.ofMinutes(1), true, true, null));
    }

    @Test
    void withoutExpireEntriesLastTheLongestTimeSteelyardHasAsHaproxyKeepsThemUntilTheTableIsFull() {
      assertThat(stick("  stick-table type ip size 1k", "  stick on src", "  server s1 127.0.0.1:1").expire())
          .isEqualTo(Duration.ofMillis(Integer.MAX_VALUE));
    }

    @Test
    void stickMatchAndStickStoreRequestTogetherAreStickOn() {
      HaproxyConfig config = parse(withBackend("  stick-table type ip size 1k", "  stick match src",
          "  stick store-request src", "  server s1 127.0.0.1:1"));
      assertThat(config.notes()).isEmpty();
      StickConfig stick = config.check().backends().get(0).stick();
      assertThat(stick.match()).isTrue();
      assertThat(stick.store()).isTrue();
    }

    @Test
    void storingWithoutMatchingSticksNoClientAsInHaproxyWithAWarning() {
      HaproxyConfig config = parse(withBackend(
          "  stick store-request src", "  stick-table type ip size 1k", "  server s1 127.0.0.1:1"));
      assertThat(config.notes())
          .containsExactly("[WARNING] haproxy.cfg:10 : backend 'bk': 'stick store-request src' without 'stick match src'"
              + " stores entries that nothing reads, so no client sticks (as in HAProxy); use 'stick on src' to keep"
              + " clients on their server.");
      StickConfig stick = config.check().backends().get(0).stick();
      assertThat(stick.store()).isTrue();
      assertThat(stick.match()).isFalse();
    }

    @Test
    void stickStoreIsHaproxysOtherNameForStoreRequest() {
      HaproxyConfig config = parse(DEFAULTS + """
          listen web
            bind 127.0.0.1:0
            stick-table type ip size 1k
            stick store src
            server s1 127.0.0.1:1
          """);
      assertThat(config.notes())
          .containsExactly("[WARNING] haproxy.cfg:9 : proxy 'web': 'stick store src' without 'stick match src'"
              + " stores entries that nothing reads, so no client sticks (as in HAProxy); use 'stick on src' to keep"
              + " clients on their server.");
      assertThat(config.check().backends().get(0).stick().store()).isTrue();
    }

    @Test
    void matchingWithoutStoringSticksNoClientAsInHaproxyWithAWarning() {
      HaproxyConfig config = parse(withBackend(
          "  stick-table type ip size 1k", "  stick match src", "  server s1 127.0.0.1:1"));
      assertThat(config.notes())
          .containsExactly("[WARNING] haproxy.cfg:11 : backend 'bk': 'stick match src' without 'stick store-request src'"
              + " looks up entries that nothing stores, so no client sticks (as in HAProxy); use 'stick on src' to"
              + " keep clients on their server.");
      StickConfig stick = config.check().backends().get(0).stick();
      assertThat(stick.match()).isTrue();
      assertThat(stick.store()).isFalse();
    }

    @Test
    void aTableWithoutRulesStoresNothing() {
      StickConfig stick = stick("  stick-table type ip size 1k", "  server s1 127.0.0.1:1");
      assertThat(stick.match()).isFalse();
      assertThat(stick.store()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "stick-table type ipv6 size 1k       | stick-table: type 'ipv6' is not supported by Steelyard: only 'type ip', the client's address for 'stick on src'.",
      "stick-table type integer size 1k    | stick-table: type 'integer' is not supported by Steelyard: only 'type ip', the client's address for 'stick on src'.",
      "stick-table type string len 32 size 1k | stick-table: type 'string' is not supported by Steelyard: only 'type ip', the client's address for 'stick on src'.",
      "stick-table type binary size 1k     | stick-table: type 'binary' is not supported by Steelyard: only 'type ip', the client's address for 'stick on src'.",
      "stick-table type foo size 1k        | stick-table: unknown type 'foo'.",
      "stick-table size 1k                 | stick-table: missing type.",
      "stick-table type ip                 | stick-table: missing size.",
      "stick-table                         | stick-table: missing size.",
      "stick-table type                    | stick-table: missing argument after 'type'.",
      "stick-table type ip size            | stick-table: missing argument after 'size'.",
      "stick-table type ip size 1k expire  | stick-table: missing argument after 'expire'.",
      "stick-table type ip size 10x        | unexpected character 'x' in 'stick-table size'",
      "stick-table type ip size 1kb        | unexpected character 'b' in 'stick-table size'",
      "stick-table type ip size -1         | unexpected character '-' in 'stick-table size'",
      "stick-table type ip size 4g         | 'stick-table size' value '4g' is out of range.",
      "stick-table type ip size 1k expire 30x | unexpected character 'x' in 'stick-table expire'",
      "stick-table type ip size 1k nopurge | stick-table: 'nopurge' is not supported by Steelyard (it supports 'type ip', 'size', 'expire' and 'peers').",
      "stick-table type ip size 1k srvkey addr | stick-table: 'srvkey' is not supported by Steelyard (it supports 'type ip', 'size', 'expire' and 'peers').",
      "stick-table type ip size 1k store gpc0 | stick-table: 'store' is not supported by Steelyard (it supports 'type ip', 'size', 'expire' and 'peers').",
      "stick-table type ip size 1k peers   | stick-table: missing argument after 'peers'.",
      "stick-table type ip size 1k peers p | Proxy 'bk': unable to find sync peers 'p'.",
      "stick-table type ip size 1k foo     | stick-table: unknown argument 'foo'.",
      "stick-table type ip size 0          | backend 'bk': stick-table size must be 1 to 100000000: 0",
      "stick-table type ip size 1g         | backend 'bk': stick-table size must be 1 to 100000000: 1073741824",
      "stick-table type ip size 1k expire 0 | backend 'bk': stick-table expire must be > 0: PT0S",
      "stick-table type ip size 1k expire 25d | backend 'bk': stick-table expire must be at most PT596H31M23.647S: PT600H",
    })
    void tableMistakesAreErrorsAtTheirLine(String line, String message) {
      assertThat(error(withBackend("  " + line, "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : " + message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "stick                          | 'stick' expects 'on', 'match', or 'store'.",
      "stick onto src                 | 'stick' expects 'on', 'match', or 'store'.",
      "stick on                       | 'stick' expects a fetch method.",
      "stick store-response src       | 'stick store-response' is not supported by Steelyard (it supports 'on', 'match' and 'store-request').",
      "stick on dst                   | 'stick on' supports only 'src' without condition in Steelyard (got 'dst').",
      "stick match req.payload(0,4)   | 'stick match' supports only 'src' without condition in Steelyard (got 'req.payload(0,4)').",
      "stick on src if { src 10.0.0.0/8 } | 'stick on' supports only 'src' without condition in Steelyard (got 'src if { src 10.0.0.0/8 }').",
      "stick store-request src unless local | 'stick store-request' supports only 'src' without condition in Steelyard (got 'src unless local').",
      "stick on src table other       | 'stick on' supports only 'src' without condition in Steelyard (got 'src table other').",
    })
    void ruleMistakesAreErrorsAtTheirLine(String line, String message) {
      assertThat(error(withBackend("  stick-table type ip size 1k", "  " + line, "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:11] : " + message);
    }

    @Test
    void aRuleWithoutATableIsAnErrorAtTheFirstRuleInHaproxysWords() {
      assertThat(error(withBackend("  server s1 127.0.0.1:1", "  stick store-request src", "  stick match src")))
          .isEqualTo("parsing [haproxy.cfg:11] : Proxy 'bk': unable to find stick-table 'bk'.");
      assertThat(error(withBackend("  stick match src", "  stick on src", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : Proxy 'bk': unable to find stick-table 'bk'.");
    }

    @Test
    void aSectionHasOneTable() {
      assertThat(error(withBackend("  stick-table type ip size 1k", "  stick-table type ip size 2k", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:11] : stick-table name 'bk' conflicts with table declared in backend 'bk' at haproxy.cfg:10.");
    }

    @Test
    void tablesAndRulesBelongToBackends() {
      assertThat(error("defaults\n  stick-table type ip size 1k\n" + withBackend("  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:2] : 'stick-table' is not supported in 'defaults' section.");
      assertThat(error("defaults\n  stick on src\n" + withBackend("  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:2] : 'stick' not allowed in 'defaults' section.");
      assertThat(error(withFrontend("  bind 127.0.0.1:0", "  default_backend bk", "  stick-table type ip size 1k")))
          .isEqualTo("parsing [haproxy.cfg:9] : 'stick-table' in frontend 'ft' serves 'track-sc' rules, which"
              + " Steelyard does not have; declare the table in the backend whose 'stick' rules use it.");
      assertThat(error(withFrontend("  bind 127.0.0.1:0", "  default_backend bk", "  stick on src")))
          .isEqualTo("parsing [haproxy.cfg:9] : 'stick' not allowed because frontend 'ft' has no backend capability.");
    }
  }

  @Nested
  class ServerChecks {
    private static final CheckSettings DEFAULT_CHECK = new CheckSettings(Check.connect(), null, null, 0, false, Duration.ofSeconds(2),
        Duration.ofSeconds(2), Duration.ofSeconds(2), 2, 3, null, false, 10, OnError.FASTINTER, false);

    private ServerConfig server(String options) {
      return check(withBackend("  server s1 127.0.0.1:1 " + options)).backends().get(0).servers().get(0);
    }

    @Test
    void checkTestsTheServerWithHaproxysDefaults() {
      assertThat(server("check").check()).isEqualTo(DEFAULT_CHECK);
      assertThat(server("weight 2").check()).isNull();
    }

    @Test
    void everyCheckOptionIsTaken() {
      ServerConfig server = server("check inter 200 fastinter 100ms downinter 5s rise 3 fall 4 observe layer4"
          + " error-limit 5 on-error sudden-death on-marked-down shutdown-sessions maxqueue 7");
      assertThat(server.check())
          .isEqualTo(new CheckSettings(Check.connect(), null, null, 0, false, Duration.ofMillis(200), Duration.ofMillis(100), Duration.ofSeconds(5),
              3, 4, null, true, 5, OnError.SUDDEN_DEATH, true));
      assertThat(server.maxQueue()).isEqualTo(7);
    }

    @Test
    void fastinterAndDowninterDefaultToInter() {
      CheckSettings check = server("check inter 500").check();
      assertThat(check.fastInter()).isEqualTo(Duration.ofMillis(500));
      assertThat(check.downInter()).isEqualTo(Duration.ofMillis(500));
    }

    @ParameterizedTest
    @ValueSource(strings = {"fastinter", "fail-check", "sudden-death", "mark-down"})
    void everyOnErrorActionIsTaken(String action) {
      assertThat(server("check observe layer4 on-error " + action).check().onError())
          .isEqualTo(OnError.of(action));
    }

    @Test
    void observeNoneObservesNothing() {
      assertThat(server("check observe none").check().observeLayer4()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "check inter                       | 'server bk/s1' : 'inter' expects a delay as argument.",
      "check inter 2x                    | 'server bk/s1' : unexpected character 'x' in 'inter'",
      "check fastinter                   | 'server bk/s1' : 'fastinter' expects a delay as argument.",
      "check downinter 1.5s              | 'server bk/s1' : unexpected character '.' in 'downinter'",
      "check rise                        | 'server bk/s1' : 'rise' expects an integer argument.",
      "check fall two                    | 'server bk/s1' : 'fall' expects an integer argument (got 'two').",
      "check error-limit                 | 'server bk/s1' : 'error-limit' expects an integer argument.",
      "maxqueue 10k                      | 'server bk/s1' : 'maxqueue' expects an integer argument (got '10k').",
      "check observe                     | 'server bk/s1' : 'observe' expects <mode> as argument.",
      "check observe layer7              | 'server bk/s1' : 'layer7' can only be used in http proxies: Steelyard balances TCP connections only (use 'observe layer4').",
      "check observe layer5              | 'server bk/s1' : 'observe' expects one of 'none', 'layer4', 'layer7' but got 'layer5'.",
      "check on-error explode            | 'server bk/s1' : unknown on-error 'explode' (expected fastinter, fail-check, sudden-death or mark-down)",
      "check on-error                    | 'server bk/s1' : unknown on-error '' (expected fastinter, fail-check, sudden-death or mark-down)",
      "check on-marked-down shutdown-backup-sessions | 'server bk/s1' : 'on-marked-down' expects 'shutdown-sessions' but got 'shutdown-backup-sessions'.",
      "check on-marked-down              | 'server bk/s1' : 'on-marked-down' expects 'shutdown-sessions' but got ''.",
      "check inter 0                     | backend 'bk': server 's1': inter must be > 0: PT0S",
      "check rise 0                      | backend 'bk': server 's1': rise must be 1 to 1000: 0",
      "check fall 1001                   | backend 'bk': server 's1': fall must be 1 to 1000: 1001",
      "check error-limit 0               | backend 'bk': server 's1': error-limit must be 1 to 1000: 0",
      "maxqueue -1                       | backend 'bk': server 's1': maxqueue must be 0 to 2147483647: -1",
      "observe layer4                    | backend 'bk': server 's1': observe layer4 requires check",
      "on-marked-down shutdown-sessions  | backend 'bk': server 's1': on-marked-down requires check",
    })
    void mistakesAreErrorsAtTheServerLine(String options, String message) {
      assertThat(error(withBackend("  server s1 127.0.0.1:1 " + options)))
          .isEqualTo("parsing [haproxy.cfg:10] : " + message);
    }
  }

  @Nested
  class DefaultServer {

    @Test
    void defaultServerSetsTheServersAfterItAndAServersOwnOptionWins() {
      List<ServerConfig> servers = check(withBackend(
          "  server s0 127.0.0.1:1",
          "  default-server check inter 3s fall 3 rise 2 weight 5",
          "  server s1 127.0.0.1:2",
          "  server s2 127.0.0.1:3 inter 1s weight 2 backup")).backends().get(0).servers();
      assertThat(servers.get(0).check()).isNull();
      assertThat(servers.get(0).weight()).isEqualTo(1);
      assertThat(servers.get(1).check().inter()).isEqualTo(Duration.ofSeconds(3));
      assertThat(servers.get(1).check().fall()).isEqualTo(3);
      assertThat(servers.get(1).weight()).isEqualTo(5);
      assertThat(servers.get(2).check().inter()).isEqualTo(Duration.ofSeconds(1));
      assertThat(servers.get(2).check().rise()).isEqualTo(2);
      assertThat(servers.get(2).weight()).isEqualTo(2);
      assertThat(servers.get(2).backup()).isTrue();
    }

    @Test
    void aLaterDefaultServerLineAddsToAndOverridesAnEarlierOne() {
      ServerConfig server = check(withBackend(
          "  default-server check inter 3s",
          "  default-server inter 4s observe layer4",
          "  server s1 127.0.0.1:1")).backends().get(0).servers().get(0);
      assertThat(server.check().inter()).isEqualTo(Duration.ofSeconds(4));
      assertThat(server.check().observeLayer4()).isTrue();
    }

    @Test
    void aDefaultsSectionsDefaultServerSetsTheSectionsAfterItUntilTheNextDefaults() {
      BalancerConfig config = check("""
          defaults
            timeout connect 1s
            timeout client 1s
            timeout server 1s
            default-server check inter 3s weight 4
          frontend ft
            bind 127.0.0.1:0
            default_backend bk1
          backend bk1
            default-server inter 1s
            server s1 127.0.0.1:1
          listen bk2
            bind 127.0.0.1:0
            server s1 127.0.0.1:1 weight 9
          defaults
            timeout connect 1s
            timeout client 1s
            timeout server 1s
          backend bk3
            server s1 127.0.0.1:1
          """);
      ServerConfig bk1 = config.backends().get(0).servers().get(0);
      assertThat(bk1.check().inter()).isEqualTo(Duration.ofSeconds(1));
      assertThat(bk1.weight()).isEqualTo(4);
      ServerConfig bk2 = config.backends().get(1).servers().get(0);
      assertThat(bk2.check().inter()).isEqualTo(Duration.ofSeconds(3));
      assertThat(bk2.weight()).isEqualTo(9);
      ServerConfig bk3 = config.backends().get(2).servers().get(0);
      assertThat(bk3.check()).isNull();
      assertThat(bk3.weight()).isEqualTo(1);
    }

    @Test
    void aServerWithoutCheckIgnoresTheCheckOptionsOfItsDefaults() {
      ServerConfig server = check(withBackend("  default-server inter 3s rise 5", "  server s1 127.0.0.1:1"))
          .backends().get(0).servers().get(0);
      assertThat(server.check()).isNull();
    }

    @Test
    void aBadValueIsAnErrorAtTheDefaultServerLineOnceEvenWhenNoServerFollows() {
      assertThat(error(withBackend("  default-server weight 300", "  server s1 127.0.0.1:1", "  server s2 127.0.0.1:2")))
          .isEqualTo("parsing [haproxy.cfg:10] : backend 'bk': server 'default-server': weight must be 0 to 256: 300");
      assertThat(error("defaults\n  default-server inter 0\n" + withBackend("  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:2] : defaults: server 'default-server': inter must be > 0: PT0S");
      assertThat(error(withBackend("  server s1 127.0.0.1:1", "  default-server rise 2 rise 3")))
          .isEqualTo("parsing [haproxy.cfg:11] : backend 'bk': server 'default-server': rise was already set to 2");
    }

    @Test
    void mistakesAreErrorsAtTheDefaultServerLine() {
      assertThat(error(withBackend("  default-server bogus", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'default-server' : unknown keyword 'bogus' (Steelyard supports id, weight,"
              + " maxconn, maxqueue, backup, check, inter, fastinter, downinter, rise, fall, observe, error-limit,"
              + " on-error, on-marked-down, port, addr, check-ssl, check-sni, check-send-proxy, verify, ca-file, agent-check, agent-port, agent-addr, agent-inter and agent-send).");
      assertThat(error(withBackend("  default-server inter", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'default-server' : 'inter' expects a delay as argument.");
      assertThat(error(withFrontend("  default-server check")))
          .isEqualTo("parsing [haproxy.cfg:7] : 'default-server' not allowed because frontend 'ft' has no backend capability.");
    }
  }

  @Nested
  class LogLines {
    @Test
    void aFrontendLogsToItsDefaultsGlobalAndOwnTargetsUnlessNoLog() {
      HaproxyConfig config = parse("""
          global
            log 127.0.0.1:514 local0
            log-tag haproxy
          defaults
            log global
            option tcplog
            option dontlognull
            timeout connect 1s
            timeout client 1s
            timeout server 1s
          frontend ft
            bind 127.0.0.1:0
            default_backend web
          frontend quiet
            no log
            bind 127.0.0.1:0
            default_backend web
          listen web
            no option dontlognull
            log 127.0.0.1:515 format rfc5424 local1 info
            bind 127.0.0.1:0
            server s1 127.0.0.1:1
          """);
      assertThat(config.notes()).isEmpty();
      Map<String, TrafficLogging> logging = new HashMap<>();
      config.check().frontends().forEach(f -> logging.put(f.name(), f.logging()));
      assertThat(logging.get("ft")).isNotNull().extracting(TrafficLogging::dontLogNull).isEqualTo(true);
      assertThat(logging.get("quiet")).as("no log").isNull();
      assertThat(logging.get("web")).isNotNull().extracting(TrafficLogging::dontLogNull).isEqualTo(false);
    }

    @Test
    void withoutALogTargetNothingIsLoggedAndWithoutTcplogANoticeSaysWhatIsWritten() {
      assertThat(check(withBackend("  server s1 127.0.0.1:1")).frontends().get(0).logging()).isNull();
      String logGlobal = withFrontend("  log global", "  bind 127.0.0.1:0", "  default_backend bk");
      assertThat(check(logGlobal).frontends().get(0).logging())
          .as("log global without a global target").isNull();
      HaproxyConfig untagged = parse("global\n  log stdout format raw local0\n" + logGlobal);
      assertThat(untagged.check().frontends().get(0).logging()).isNotNull();
      assertThat(untagged.notes()).containsExactly("[NOTICE] haproxy.cfg:8 : frontend 'ft' logs without"
          + " 'option tcplog' or 'log-format': Steelyard writes HAProxy's tcplog line for each"
          + " connection (HAProxy would write its short connection line)");
    }

    @Test
    void theSameLogLinesElsewhereInTheFileMakeTheSameLogSoThatAReloadKeepsIt() {
      String file = """
          global
            log 127.0.0.1:514 local0
          defaults
            log global
            option tcplog
            timeout connect 1s
            timeout client 1s
            timeout server 1s
          frontend ft
            bind 127.0.0.1:0
            default_backend web
          listen web
            bind 127.0.0.1:0
            server s1 127.0.0.1:1
          """;
      TrafficLogging first = parse(file).check().frontends().get(0).logging();
      assertThat(parse("# moved down a line\n" + file).check().frontends().get(0).logging())
          .isEqualTo(first);
      assertThat(parse(file.replace("local0", "local1")).check().frontends().get(0).logging())
          .isNotEqualTo(first);
    }

    @Test
    void logFormatAndTcplogTheLastInASectionWinsAndAProxysOwnOverItsDefaults() {
      HaproxyConfig config = parse("""
          global
            log stdout format raw local0
          defaults
            log global
            log-format "%ci %b/%s"
            timeout connect 1s
            timeout client 1s
            timeout server 1s
          frontend inherits
            bind 127.0.0.1:0
            default_backend web
          frontend tcplog
            log-format %f
            option tcplog
            bind 127.0.0.1:0
            default_backend web
          listen web
            option tcplog
            log-format "%{+Q}ci 100%%"
            bind 127.0.0.1:0
            server s1 127.0.0.1:1
          """);
      assertThat(config.notes()).isEmpty();
      Map<String, LogFormat> formats = new HashMap<>();
      config.check().frontends().forEach(f -> formats.put(f.name(), f.logging().format()));
      assertThat(formats).containsEntry("inherits", LogFormat.parse("%ci %b/%s"))
          .containsEntry("tcplog", LogFormat.TCPLOG)
          .containsEntry("web", LogFormat.parse("%{+Q}ci 100%%"));
      assertThat(error(withBackend("  log-format %ci %b", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : log-format expects only one argument, don't forget"
              + " to escape spaces!");
      assertThat(error(withBackend("  log-format", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : log-format expects an argument.");
      assertThat(error(withBackend("  log-format \"%ci %ST\"", "  server s1 127.0.0.1:1")))
          .startsWith("parsing [haproxy.cfg:10] : log-format '%ci %ST': no such format variable '%ST'"
              + " in TCP mode");
    }

    @Test
    void mistakesAreErrorsAtTheirLine() {
      assertThat(error(withBackend("  log", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'log' expects <address> and <facility> or global as arguments.");
      assertThat(error(withBackend("  log /dev/log", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'log' expects <address> and <facility> or global as arguments.");
      assertThat(error("global\n  log global\n" + withBackend("  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:2] : 'global' is not supported for a global syslog server.");
      assertThat(error(withBackend("  option tcplog clf", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'option tcplog' cannot handle unexpected argument 'clf'.");
      assertThat(error(withBackend("  no option dontlognull 1", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'no option dontlognull' cannot handle unexpected argument '1'.");
      assertThat(error(withBackend("  no option tcplog", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : negation/default is not supported for option 'tcplog'.");
      Map<String, String> targets = new LinkedHashMap<>();
      targets.put("log 127.0.0.1:514 local9", "unknown log facility 'local9'");
      targets.put("log 127.0.0.1:514 local0 loud", "unknown optional log level 'loud'");
      targets.put("log 127.0.0.1:514 format iso local0", "'log' : unknown log format 'iso' (HAProxy's, not"
          + " supported by Steelyard: local, rfc3164, rfc5424, short or raw).");
      targets.put("log 127.0.0.1:514 len 10 local0", "'log' : invalid 'len' value '10' (80 to 65535).");
      targets.put("log 127.0.0.1:514 sample 1:2 local0",
          "'log' : 'sample' is not supported by Steelyard (every line goes to every target).");
      targets.put("log fd@1 local0", "'log' : target 'fd@1' is not supported by Steelyard (it sends to"
          + " <ip>[:<port>], udp@<ip>[:<port>], a Unix datagram path, stdout or stderr).");
      targets.put("log syslog.example:514 local0", "'log' : invalid address 'syslog.example:514'"
          + " (Steelyard takes an IP address; it resolves no host name).");
      targets.put("log 127.0.0.1:514 local0 info err debug", "'log' : unexpected argument 'debug'.");
      targets.forEach((line, message) -> assertThat(error(withBackend("  " + line, "  server s1 127.0.0.1:1")))
          .as(line).isEqualTo("parsing [haproxy.cfg:10] : " + message));
    }
  }

  @Nested
  class PrometheusExporterFrontend {
    private static final String EXPORTER = "frontend prometheus\n  mode http\n  bind 127.0.0.1:PORT\n"
        + "  http-request use-service prometheus-exporter if { path /metrics }\n  no log\n";

    @Test
    void aModeHttpFrontendWithTheExporterServesHaproxysMetricsPage() throws Exception {
      int port = io.steelyard.lb.testing.TestBackend.refusingAddress().getPort();
      HaproxyConfig config = parse(withBackend("  server s1 127.0.0.1:1") + EXPORTER.replace("PORT", String.valueOf(port)));
      assertThat(config.notes()).isEmpty();
      assertThat(config.check().frontends()).extracting(f -> f.name()).containsExactly("ft");
      try (io.steelyard.lb.Balancer balancer = config.start()) {
        java.net.HttpURLConnection http = (java.net.HttpURLConnection) java.net.URI.create(
            "http://127.0.0.1:" + port + "/metrics").toURL().openConnection();
        http.setReadTimeout(5_000);
        assertThat(http.getResponseCode()).isEqualTo(200);
        assertThat(http.getContentType()).isEqualTo("text/plain; version=0.0.4");
        String page = new String(http.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(page).contains("haproxy_frontend_sessions_total{proxy=\"ft\"} 0\n")
            .contains("haproxy_server_status{proxy=\"bk\",server=\"s1\",state=\"UP\"} 1\n")
            .doesNotContain("proxy=\"prometheus\"");
      }
    }

    @Test
    void theServicesBesideTheBalancerAreListedForTheReloadToCompare() {
      HaproxyConfig config = parse("global\n  stats socket /run/sy.sock mode 600 level admin\n"
          + "  stats timeout 30s\n" + withBackend("  server s1 127.0.0.1:1")
          + EXPORTER.replace("PORT", "9101"));
      assertThat(config.services()).containsExactly(
          "stats socket /run/sy.sock mode 600 level admin timeout PT30S",
          "prometheus-exporter on [/127.0.0.1:9101]");
    }

    @Test
    void steelyardAnnounceNamesTheVipAndTheDaemonAndItsMistakesAreErrors() {
      HaproxyConfig config = parse("global\n  steelyard-announce 198.51.100.100 bird"
          + " /run/bird/bird.ctl vip_static\n  steelyard-announce 2001:db8::10 exabgp /run/exabgp\n"
          + withBackend("  server s1 127.0.0.1:1"));
      assertThat(config.notes()).isEmpty();
      assertThat(config.services()).containsExactly(
          "steelyard-announce 198.51.100.100 bird /run/bird/bird.ctl vip_static",
          "steelyard-announce 2001:db8::10 exabgp /run/exabgp");
      String backend = withBackend("  server s1 127.0.0.1:1");
      assertThat(error("global\n  steelyard-announce vip.example bird /run/bird/bird.ctl vip\n" + backend))
          .isEqualTo("parsing [haproxy.cfg:2] : 'steelyard-announce': 'vip.example' is not an IP address");
      assertThat(error("global\n  steelyard-announce 198.51.100.100 gobgp /run/x vip\n" + backend))
          .isEqualTo("parsing [haproxy.cfg:2] : 'steelyard-announce': routing daemon 'gobgp' is not"
              + " supported (Steelyard announces through BIRD 2, 'bird', or ExaBGP 4, 'exabgp')");
      assertThat(error("global\n  steelyard-announce 198.51.100.100 bird bird.ctl vip\n" + backend))
          .startsWith("parsing [haproxy.cfg:2] : 'steelyard-announce': BIRD's control socket must be");
      assertThat(error("global\n  steelyard-announce 198.51.100.100 exabgp run/exabgp\n" + backend))
          .isEqualTo("parsing [haproxy.cfg:2] : 'steelyard-announce': ExaBGP's pipe directory must be"
              + " an absolute path, such as /run/exabgp: 'run/exabgp'");
      assertThat(error("global\n  steelyard-announce 198.51.100.100 bird /run/b.ctl vip-1\n" + backend))
          .isEqualTo("parsing [haproxy.cfg:2] : BIRD protocol name 'vip-1' is not a BIRD symbol");
      String expects = "parsing [haproxy.cfg:2] : 'steelyard-announce' expects <vip> bird"
          + " <control-socket> <protocol>, or <vip> exabgp <pipe-directory>.";
      assertThat(error("global\n  steelyard-announce 198.51.100.100 bird\n" + backend)).isEqualTo(expects);
      assertThat(error("global\n  steelyard-announce 198.51.100.100 exabgp /run/x vip\n" + backend))
          .isEqualTo(expects);
    }

    @Test
    void httpModeIsOnlyForTheExporter() {
      String backend = withBackend("  server s1 127.0.0.1:1");
      assertThat(error(backend + "frontend web\n  mode http\n  bind 127.0.0.1:8080\n"))
          .isEqualTo("parsing [haproxy.cfg:12] : 'mode http' is supported by Steelyard only for HAProxy's"
              + " Prometheus exporter: this frontend needs 'http-request use-service prometheus-exporter"
              + " if { path /metrics }'.");
      assertThat(error(backend + "frontend web\n  bind 127.0.0.1:8080\n"
          + "  http-request use-service prometheus-exporter\n"))
          .isEqualTo("parsing [haproxy.cfg:13] : 'http-request use-service prometheus-exporter' needs"
              + " 'mode http' in its frontend.");
      assertThat(error(backend + "frontend web\n  mode http\n  http-request deny\n"))
          .isEqualTo("parsing [haproxy.cfg:13] : 'http-request' is supported by Steelyard only as"
              + " 'http-request use-service prometheus-exporter if { path /metrics }', in a frontend in"
              + " 'mode http'.\nparsing [haproxy.cfg:12] : 'mode http' is supported by Steelyard only for"
              + " HAProxy's Prometheus exporter: this frontend needs 'http-request use-service"
              + " prometheus-exporter if { path /metrics }'.");
      assertThat(error(withBackend("  mode http", "  server s1 127.0.0.1:1")))
          .startsWith("parsing [haproxy.cfg:10] : 'mode http' is not supported: Steelyard balances TCP"
              + " connections only");
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
      assertThat(error(withBackend("  option abortonclose", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : option 'abortonclose' is not supported by Steelyard (supported: 'redispatch', 'tcplog', 'dontlognull', 'splice-auto', 'splice-request', 'splice-response', 'tcpka', 'clitcpka', 'srvtcpka', 'tcp-check', 'redis-check', 'mysql-check', 'pgsql-check', 'smtpchk', 'ldap-check', 'ssl-hello-chk').");
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

    @Test
    void hashTypeConsistentMakesBalanceSourceMaglevsInEitherOrderAndFromDefaults() {
      assertThat(check(withBackend("  hash-type consistent", "  balance source",
          "  server s1 127.0.0.1:1")).backends().get(0).balance())
          .isEqualTo(Balance.sourceConsistent());
      assertThat(check(withBackend("  balance source", "  hash-type map-based",
          "  server s1 127.0.0.1:1")).backends().get(0).balance()).isEqualTo(Balance.source());
      assertThat(check(withBackend("  balance source", "  server s1 127.0.0.1:1"))
          .backends().get(0).balance()).as("HAProxy's default").isEqualTo(Balance.source());
      assertThat(check(withBackend("  balance leastconn", "  hash-type consistent",
          "  server s1 127.0.0.1:1")).backends().get(0).balance()).isEqualTo(Balance.leastConn());
      assertThat(check("defaults\n  hash-type consistent\n  timeout connect 1s\n"
          + "  timeout client 1s\n  timeout server 1s\nlisten web\n  bind 127.0.0.1:0\n"
          + "  balance source\n"
          + "  server s1 127.0.0.1:1\n").backends().get(0).balance())
          .isEqualTo(Balance.sourceConsistent());
      assertThat(error(withBackend("  hash-type consistent sdbm", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'hash-type': the hash function 'sdbm' is not"
              + " supported by Steelyard (it hashes the client's address itself; write 'hash-type"
              + " consistent' alone).");
      assertThat(error(withBackend("  hash-type ring", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'hash-type': unknown hash method 'ring' (expected"
              + " 'map-based' or 'consistent').");
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
      assertThat(error(withBackend("  server s1 127.0.0.1:1 send-proxy")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'server bk/s1' : unknown keyword 'send-proxy' (Steelyard supports id, weight, maxconn, maxqueue, backup, check, inter, fastinter, downinter, rise, fall, observe, error-limit, on-error, on-marked-down, port, addr, check-ssl, check-sni, check-send-proxy, verify, ca-file, agent-check, agent-port, agent-addr, agent-inter and agent-send).");
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

  @Nested
  class Tproxy {
    @Test
    void bindTransparentMakesTheFrontendTransparentAndNeedsTheTproxyTransport() {
      HaproxyConfig config = parse(withFrontend("  bind :80,:81 transparent", "  default_backend bk"));
      assertThat(config.check().frontends().get(0).transparent()).isTrue();
      assertThat(config.transparent()).isTrue();
      assertThat(config.splice()).isNull();
      assertThat(config.notes()).isEmpty();
    }

    @Test
    void aFileWithoutTproxyKeywordsRunsAsBefore() {
      HaproxyConfig config = parse(withFrontend("  bind :80", "  default_backend bk"));
      assertThat(config.check().frontends().get(0).transparent()).isFalse();
      assertThat(config.transparent()).isFalse();
      assertThat(config.plainTransport(false, false).transport())
          .as("Steelyard's edge channels, where nothing splices")
          .isEqualTo(io.steelyard.lb.transport.Transport.epollEdge());
    }

    @Test
    void sourceAddrBindsConnectionsToServersToThatAddress() throws IOException {
      HaproxyConfig config = parse(withBackend("  source 127.0.0.2", "  server s1 127.0.0.1:1"));
      Source source = config.check().backends().get(0).source();
      assertThat(source).isEqualTo(Source.address(InetAddress.getByName("127.0.0.2")));
      assertThat(config.transparent()).isFalse();
      assertThat(check(withBackend("  source 127.0.0.2:0", "  server s1 127.0.0.1:1")).backends().get(0).source())
          .isEqualTo(source);
      assertThat(check(withBackend("  source [::1]", "  server s1 127.0.0.1:1")).backends().get(0).source())
          .isEqualTo(Source.address(InetAddress.getByName("::1")));
      assertThat(check(withBackend("  source ::1", "  server s1 127.0.0.1:1")).backends().get(0).source())
          .isEqualTo(Source.address(InetAddress.getByName("::1")));
    }

    @Test
    void usesrcClientipAndClientConnectFromTheClientsAddress() {
      HaproxyConfig config = parse(withBackend("  source 0.0.0.0 usesrc clientip", "  server s1 127.0.0.1:1"));
      assertThat(config.check().backends().get(0).source()).isEqualTo(Source.clientIp());
      assertThat(config.transparent()).isTrue();
      assertThat(config.notes()).isEmpty();
      assertThat(check(withBackend("  source 0.0.0.0 usesrc client", "  server s1 127.0.0.1:1")).backends().get(0).source())
          .isEqualTo(Source.client());
    }

    @Test
    void usesrcWithAnotherAddressThanAnyNotesThatTheAddressIsNotUsed() {
      HaproxyConfig config = parse(withBackend("  source 192.0.2.1 usesrc clientip", "  server s1 127.0.0.1:1"));
      assertThat(config.notes()).containsExactly(
          "[NOTICE] haproxy.cfg:10 : 'source 192.0.2.1' with 'usesrc' : Steelyard connects from the client's address only; '192.0.2.1' is not used");
    }

    @Test
    void sourceInDefaultsSetsTheBackendsAfterItAndABackendsOwnWins() {
      HaproxyConfig config = parse("defaults\n  timeout connect 5s\n  timeout client 5s\n  timeout server 5s\n"
          + "  source 0.0.0.0 usesrc clientip\n"
          + "listen app\n  bind :80 transparent\n  server s1 127.0.0.1:1\n"
          + "backend other\n  source 127.0.0.1\n  server s1 127.0.0.1:1\n");
      BalancerConfig built = config.check();
      assertThat(built.backends().get(0).source()).isEqualTo(Source.clientIp());
      assertThat(built.backends().get(1).source().kind()).isEqualTo(Source.Kind.ADDRESS);
      assertThat(config.transparent()).isTrue();
      HaproxyConfig own = parse("defaults\n  timeout connect 5s\n  timeout client 5s\n  timeout server 5s\n"
          + "  source 0.0.0.0 usesrc clientip\n"
          + "listen app\n  bind :80\n  source 127.0.0.1\n  server s1 127.0.0.1:1\n");
      assertThat(own.transparent()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
          source                                | 'source' expects <addr>[:<port>], and optionally 'usesrc' <addr>, and 'interface' <name>.
          source 0.0.0.0 usesrc                 | 'usesrc' expects <addr>[:<port>], 'client', or 'clientip' as argument.
          source 0.0.0.0 usesrc 192.0.2.1       | 'usesrc 192.0.2.1' is not supported by Steelyard: it connects from the client's address ('usesrc clientip' or 'usesrc client'), not from a fixed or header-given foreign address.
          source 0.0.0.0 usesrc hdr_ip(x-fwd)   | 'usesrc hdr_ip(x-fwd)' is not supported by Steelyard: it connects from the client's address ('usesrc clientip' or 'usesrc client'), not from a fixed or header-given foreign address.
          source 0.0.0.0 interface eth0         | 'source' : 'interface' is not supported by Steelyard (it does not bind connections to a network interface).
          source 0.0.0.0 foo bar                | 'source' only supports optional keywords 'interface' and 'usesrc'.
          source 127.0.0.1:8000                 | 'source 127.0.0.1:8000' : a source port is not supported by Steelyard (the system chooses it); give the address alone.
          source [::1]:8000                     | 'source [::1]:8000' : a source port is not supported by Steelyard (the system chooses it); give the address alone.
          """)
    void sourceMistakesAreErrorsAtTheirLine(String line, String message) {
      assertThat(error(withBackend("  " + line, "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : " + message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
          source 300.1.1.1 usesrc clientip      | source     | 300.1.1.1  | 300.1.1.1
          source garbage usesrc clientip        | source     | garbage    | garbage
          source garbage usesrc client          | source     | garbage    | garbage
          source 300.1.1.1                      | source     | 300.1.1.1  | 300.1.1.1
          source garbage                        | source     | garbage    | garbage
          source garbage:0                      | source     | garbage:0  | garbage
          source 1.2.3                          | source     | 1.2.3      | 1.2.3
          source 010.0.0.1                      | source     | 010.0.0.1  | 010.0.0.1
          source 1.2.3.4.5                      | source     | 1.2.3.4.5  | 1.2.3.4.5
          source [zz::1]                        | source     | [zz::1]    | zz::1
          source [::1                           | source     | [::1       | [::1
          source 1::2::3                        | source     | 1::2::3    | 1::2::3
          source [::1]x                         | source     | [::1]x     | [::1]x
          source []                             | source     | []         | []
          source 0.0.0.0 usesrc 300.1.1.1       | usesrc     | 300.1.1.1  | 300.1.1.1
          source 0.0.0.0 usesrc garbage         | usesrc     | garbage    | garbage
          source 0.0.0.0 usesrc garbage:80      | usesrc     | garbage:80 | garbage
          source 0.0.0.0 usesrc [::1:80         | usesrc     | [::1:80    | [::1:80
          """)
    void aSourceOrUsesrcAddressMustBeAnIpAddress(String line, String keyword, String word, String host) {
      assertThat(error(withBackend("  " + line, "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : '" + keyword + " " + word + "' : invalid address: '" + host
              + "' in '" + word + "' (Steelyard takes an IPv4 or IPv6 address; it resolves no host name)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "*:0", "0.0.0.0", "::", "[::]", "[::]:0", "255.255.255.255"})
    void anyAddressAndIpLiteralsAreSources(String address) {
      assertThat(parse(withBackend("  source " + address + " usesrc clientip", "  server s1 127.0.0.1:1"))
          .check().backends().get(0).source())
          .isEqualTo(Source.clientIp());
    }

    @Test
    void sourceBelongsToBackendsAndABadAddressIsAnError() {
      assertThat(error(withFrontend("  bind :80", "  default_backend bk", "  source 0.0.0.0 usesrc clientip")))
          .isEqualTo("parsing [haproxy.cfg:9] : 'source' not allowed because frontend 'ft' has no backend capability.");
      assertThat(error(withBackend("  source no.such.host.invalid", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'source no.such.host.invalid' : invalid address: 'no.such.host.invalid'"
              + " in 'no.such.host.invalid' (Steelyard takes an IPv4 or IPv6 address; it resolves no host name)");
      assertThat(error("defaults\n  source garbage usesrc clientip\n" + withBackend("  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:2] : 'source garbage' : invalid address: 'garbage' in 'garbage'"
              + " (Steelyard takes an IPv4 or IPv6 address; it resolves no host name)");
      assertThat(error(withBackend("  server s1 127.0.0.1:1 source 127.0.0.1")))
          .startsWith("parsing [haproxy.cfg:10] : 'server bk/s1' : unknown keyword 'source'");
    }

    @ParameterizedTest
    @CsvSource({
        "splice-request, REQUEST, requests",
        "splice-response, RESPONSE, responses",
    })
    void aSpliceOptionSplicesItsDirectionOnTheEpollTransportWithANote(
        String option, io.steelyard.lb.transport.Splice splice, String what) {
      HaproxyConfig config = parse(withBackend("  option " + option, "  server s1 127.0.0.1:1"));
      assertThat(config.splice()).isEqualTo(splice);
      assertThat(config.transparent()).isFalse();
      assertThat(config.notes()).containsExactly(
          "[NOTICE] haproxy.cfg:10 : splicing is a property of Steelyard's epoll transport, one per balancer: the"
              + " 'option splice-*' lines of all sections together splice " + what
              + " of every connection, not only this section's");
      assertThat(config.plainTransport(false, false).transport())
          .isEqualTo(io.steelyard.lb.transport.Transport.epoll(splice));
      assertThat(config.plainTransport(false, true).transport().zeroCopyRelay())
          .as("io_uring has no splice, so copies").isNull();
      assertThat(config.tproxyTransport(null).zeroCopyRelay()).isNotNull();
    }

    @Test
    void requestAndResponseInAnySectionsSpliceBoth() {
      HaproxyConfig config = parse("defaults\n  timeout connect 5s\n  timeout client 5s\n  timeout server 5s\n"
          + "  option splice-request\n"
          + "frontend ft\n  bind :80\n  default_backend bk\n"
          + "backend bk\n  option splice-response\n  server s1 127.0.0.1:1\n");
      assertThat(config.splice()).isEqualTo(io.steelyard.lb.transport.Splice.BOTH);
      assertThat(config.notes()).containsExactly(
          "[NOTICE] haproxy.cfg:5 : splicing is a property of Steelyard's epoll transport, one per balancer: the"
              + " 'option splice-*' lines of all sections together splice both directions of every connection,"
              + " not only this section's");
    }

    @Test
    void spliceAutoSplicesEachDirectionOnceAReadFillsABuffer() {
      HaproxyConfig config = parse(withFrontend("  bind :80", "  default_backend bk", "  option splice-auto"));
      assertThat(config.splice()).isEqualTo(io.steelyard.lb.transport.Splice.AUTO);
      assertThat(config.notes()).containsExactly(
          "[NOTICE] haproxy.cfg:9 : splicing is a property of Steelyard's epoll transport, one per balancer: the"
              + " 'option splice-*' lines of all sections together splice both directions, each once a read"
              + " fills a buffer, of every connection, not only this section's");
    }

    @Test
    void spliceAutoBesideAWholeDirectionSplicesBothWhole() {
      HaproxyConfig config = parse(withBackend("  option splice-auto", "  option splice-request",
          "  server s1 127.0.0.1:1"));
      assertThat(config.splice()).isEqualTo(io.steelyard.lb.transport.Splice.BOTH);
    }

    @Test
    void spliceMistakesAreErrors() {
      assertThat(error(withBackend("  option splice-request 1", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'option splice-request' cannot handle unexpected argument '1'.");
      assertThat(error(withBackend("  no option splice-auto", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'no option splice-auto' is not supported by Steelyard: splicing is"
              + " set for the whole balancer, by the 'option splice-*' lines of every section.");
    }

    @Test
    void theRulesTakeIpv6WhenABindOrServerAddressIsIpv6() {
      assertThat(parse(withFrontend("  bind :80 transparent", "  default_backend bk")).ipv6()).isFalse();
      assertThat(parse(withFrontend("  bind :80,[::]:80 transparent", "  default_backend bk")).ipv6()).isTrue();
      assertThat(parse(withBackend("  server s1 [2001:db8::1]:80")).ipv6()).isTrue();
    }
  }

  @Nested
  class KeepAlive {
    private static final String BOTH_SIDES = "defaults\n  timeout connect 5s\n  timeout client 5s\n"
        + "  timeout server 5s\n  option tcpka\n  clitcpka-idle 30\n  srvtcpka-intvl 10s\n"
        + "  srvtcpka-cnt 5\n";

    @Test
    void tcpkaInDefaultsProbesBothSidesWithTheirTimings() {
      BalancerConfig config = check(BOTH_SIDES
          + "frontend ft\n  bind :80\n  default_backend bk\nbackend bk\n  server s1 127.0.0.1:1\n");
      assertThat(config.frontends().get(0).clientKeepAlive())
          .isEqualTo(new TcpKeepAlive(Duration.ofSeconds(30), null, 0));
      assertThat(config.backends().get(0).serverKeepAlive())
          .isEqualTo(new TcpKeepAlive(null, Duration.ofSeconds(10), 5));
    }

    @Test
    void aSectionTurnsItsSideOffOrOnAlone() {
      BalancerConfig config = check(BOTH_SIDES
          + "frontend ft\n  bind :80\n  no option clitcpka\n  default_backend bk\n"
          + "backend bk\n  srvtcpka-cnt 2\n  server s1 127.0.0.1:1\n");
      assertThat(config.frontends().get(0).clientKeepAlive()).isNull();
      assertThat(config.backends().get(0).serverKeepAlive())
          .isEqualTo(new TcpKeepAlive(null, Duration.ofSeconds(10), 2));

      BalancerConfig backendOnly = check(withBackend("  option srvtcpka", "  server s1 127.0.0.1:1"));
      assertThat(backendOnly.frontends().get(0).clientKeepAlive()).isNull();
      assertThat(backendOnly.backends().get(0).serverKeepAlive()).isEqualTo(TcpKeepAlive.SYSTEM);
    }

    @Test
    void timingsWithoutTheOptionTurnNothingOn() {
      BalancerConfig config = check(withFrontend("  bind :80", "  clitcpka-idle 1m", "  default_backend bk"));
      assertThat(config.frontends().get(0).clientKeepAlive()).isNull();
    }

    @Test
    void mistakesAreErrorsAtTheirLine() {
      assertThat(error(withFrontend("  bind :80", "  clitcpka-idle 0", "  default_backend bk")))
          .isEqualTo("parsing [haproxy.cfg:8] : 'clitcpka-idle': TCP keep-alive idle must be whole"
              + " seconds from 1 s to 32767 s: PT0S");
      assertThat(error(withBackend("  srvtcpka-cnt 128", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'srvtcpka-cnt': TCP keep-alive count must be 0 to"
              + " 127: 128");
      assertThat(error(withBackend("  clitcpka-idle 10", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'clitcpka-idle' not allowed because backend 'bk'"
              + " has no frontend capability.");
      assertThat(error(withBackend("  option clitcpka", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'option clitcpka' not allowed because backend 'bk'"
              + " has no frontend capability.");
      assertThat(error(withBackend("  option tcpka 1", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'option tcpka' cannot handle unexpected argument '1'.");
    }
  }

  @Nested
  class HealthCheckLines {
    private Check backendCheck(String... lines) {
      return check(withBackend(lines)).backends().get(0).check();
    }

    @Test
    void eachReadyMadeOptionIsHaproxysCheck() {
      assertThat(backendCheck("  server s1 127.0.0.1:1 check")).isEqualTo(Check.connect());
      assertThat(backendCheck("  option redis-check", "  server s1 127.0.0.1:1 check"))
          .isEqualTo(Check.redis());
      assertThat(backendCheck("  option mysql-check", "  server s1 127.0.0.1:1"))
          .isEqualTo(Check.mysql());
      assertThat(backendCheck("  option mysql-check user bob", "  server s1 127.0.0.1:1"))
          .isEqualTo(Check.mysql("bob"));
      assertThat(backendCheck("  option mysql-check user bob pre-41", "  server s1 127.0.0.1:1"))
          .isEqualTo(Check.mysql("bob", false));
      assertThat(backendCheck("  option pgsql-check user bob", "  server s1 127.0.0.1:1"))
          .isEqualTo(Check.pgsql("bob"));
      assertThat(backendCheck("  option smtpchk EHLO mx.example", "  server s1 127.0.0.1:1"))
          .isEqualTo(Check.smtp("EHLO", "mx.example"));
      assertThat(backendCheck("  option ldap-check", "  server s1 127.0.0.1:1"))
          .isEqualTo(Check.ldap());
      assertThat(backendCheck("  option ssl-hello-chk", "  server s1 127.0.0.1:1"))
          .isEqualTo(Check.sslHello());
    }

    @Test
    void aDefaultsSectionsCheckGoesToItsBackendsAndTheirOwnWins() {
      BalancerConfig config = check(DEFAULTS.replace("defaults\n", "defaults\n  option redis-check\n")
          + "frontend ft\n  bind :80\n  default_backend a\n"
          + "backend a\n  server s1 127.0.0.1:1 check\n"
          + "backend b\n  option pgsql-check user bob\n  server s1 127.0.0.1:1 check\n");
      assertThat(config.backends().get(0).check()).isEqualTo(Check.redis());
      assertThat(config.backends().get(1).check()).isEqualTo(Check.pgsql("bob"));
      assertThat(config.backends().get(0).servers().get(0).check().check()).isEqualTo(Check.redis());
    }

    @Test
    void tcpCheckRulesBuildTheSameCheckAsTheBuilder() {
      Check check = backendCheck(
          "  option tcp-check",
          "  tcp-check comment \"say hello\"",
          "  tcp-check connect port 6380 send-proxy linger",
          "  tcp-check send PING\\r\\n",
          "  tcp-check send-binary 0d0a comment crlf",
          "  tcp-check expect min-recv 4 ! rstring ^-ERR error-status L7STS",
          "  tcp-check expect string +PONG on-error \"got %[res.payload(0,0),cut_crlf]\"",
          "  server s1 127.0.0.1:1 check");
      assertThat(check).isEqualTo(Check.tcp()
          .comment("say hello")
          .connect(CheckConnect.BARE.port(6380).proxyHeader())
          .send("PING\r\n")
          .send(CheckSend.binary("0d0a").comment("crlf"))
          .expect(CheckExpect.rstring("^-ERR").negated().minRecv(4).errorStatus(CheckStatus.L7STS))
          .expect(CheckExpect.string("+PONG").onError("got %[res.payload(0,0),cut_crlf]")));
    }

    @Test
    void rulesWithoutTcpCheckInForceAreIgnoredWithAWarning() {
      HaproxyConfig config = parse(withBackend("  option redis-check", "  tcp-check send x",
          "  server s1 127.0.0.1:1 check"));
      assertThat(config.notes()).containsExactly("[WARNING] haproxy.cfg:11 : backend 'bk': 'tcp-check'"
          + " rules are ignored because 'option tcp-check' is not in force (as in HAProxy).");
      assertThat(config.check().backends().get(0).check()).isEqualTo(Check.redis());
    }

    @Test
    void serverOptionsSayWhereAndHowChecksConnect() throws IOException {
      ServerConfig server = check(withBackend(
          "  server s1 127.0.0.1:3306 check port 9200 addr 127.0.0.2 check-ssl verify none"
              + " check-sni db.example")).backends().get(0).servers().get(0);
      assertThat(server.check().target(server.address())).isEqualTo(address("127.0.0.2", 9200));
      assertThat(server.check().tls().everyConnection()).isTrue();
      assertThat(server.check().tls().caFile()).isNull();
      assertThat(server.check().tls().sni()).isEqualTo("db.example");
    }

    @Test
    void agentOptionsMakeOneAgentCheckWithHaproxysDefaults() throws IOException {
      ServerConfig server = check(withBackend("  default-server agent-inter 3s",
          "  server s1 127.0.0.1:80 check agent-check agent-port 9999 agent-addr 127.0.0.3"
              + " agent-send hello\\n")).backends().get(0).servers().get(0);
      assertThat(server.agent()).isEqualTo(Check.agent(9999).address(InetAddress.getByName("127.0.0.3"))
          .inter(Duration.ofSeconds(3)).send("hello\n"));
      ServerConfig byPort = check(withBackend("  server s1 127.0.0.1:80 agent-check port 8080"))
          .backends().get(0).servers().get(0);
      assertThat(byPort.agent()).isEqualTo(Check.agent(8080));
      assertThat(check(withBackend("  server s1 127.0.0.1:80 agent-port 1")).backends().get(0)
          .servers().get(0).agent()).isNull();
      assertThat(error(withBackend("  server s1 127.0.0.1:80 check agent-check")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'server bk/s1' : server s1 does not have agent"
              + " port. Agent check has been disabled.");
    }

    @Test
    void serverIdsAreTakenAndUniqueInTheirBackend() {
      BalancerConfig config = check(withBackend("  server s1 127.0.0.1:1 id 7", "  server s2 127.0.0.1:2"));
      assertThat(config.backends().get(0).servers()).extracting(ServerConfig::id).containsExactly(7, 0);
      assertThat(error(withBackend("  server s1 127.0.0.1:1 id 7", "  server s2 127.0.0.1:2 id 7")))
          .isEqualTo("parsing [haproxy.cfg:11] : backend 'bk': server 's2': id 7 is already used by"
              + " server 's1'");
    }

    @Test
    void mistakesAreErrorsAtTheirLineInHaproxysWords() {
      assertThat(error(withBackend("  option pgsql-check", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'option pgsql-check' expects 'user <username>' as argument.");
      assertThat(error(withBackend("  option mysql-check user bob post-42", "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'option mysql-check' expects 'post-41' or 'pre-41'"
              + " after the user but got 'post-42'.");
      assertThat(error(withBackend("  option tcp-check", "  tcp-check expect strng +PONG",
          "  server s1 127.0.0.1:1")))
          .startsWith("parsing [haproxy.cfg:11] : 'tcp-check expect' : expects 'min-recv', ");
      assertThat(error(withBackend("  option tcp-check", "  tcp-check expect string +PONG ok-status L7OKC",
          "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:11] : 'tcp-check expect' : 'ok-status' expects one of L4OK,"
              + " L6OK, L7OK but got 'L7OKC' (HAProxy's conditional pass is not supported by Steelyard)");
      assertThat(error(withBackend("  option tcp-check", "  tcp-check send-lf %[date()]",
          "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:11] : 'tcp-check send-lf' : not supported by Steelyard"
              + " (supported: 'comment', 'connect', 'send', 'send-binary', 'expect').");
      assertThat(error(withBackend("  option tcp-check", "  tcp-check send PING", "  tcp-check connect",
          "  server s1 127.0.0.1:1")))
          .isEqualTo("parsing [haproxy.cfg:12] : 'tcp-check connect' : first step MUST also be a"
              + " 'connect', optionally preceded by a 'comment', when there is a 'connect' step in"
              + " the tcp-check ruleset");
      assertThat(error(withBackend("  option tcp-check", "  tcp-check expect rstring (",
          "  server s1 127.0.0.1:1")))
          .startsWith("parsing [haproxy.cfg:11] : 'tcp-check expect' : expect rstring '(' is not a"
              + " regular expression: ");
      assertThat(error(withBackend("  server s1 127.0.0.1:1 check check-ssl")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'server bk/s1' : verify is enabled by default but no"
              + " CA file specified. If you're running on a LAN where you're certain to trust the"
              + " server's certificate, please set an explicit 'verify none' statement on the"
              + " 'server' line, or use 'ssl-server-verify none' in the global section to disable"
              + " server-side verifications by default.");
      assertThat(error(withBackend("  server s1 127.0.0.1:1 check addr db.example")))
          .isEqualTo("parsing [haproxy.cfg:10] : 'server bk/s1' : 'addr' expects an IPv4 or IPv6"
              + " address but got 'db.example' (Steelyard resolves no host name).");
      assertThat(error(withFrontend("  bind :80", "  option redis-check", "  default_backend bk")))
          .isEqualTo("parsing [haproxy.cfg:8] : 'option redis-check' not allowed because frontend"
              + " 'ft' has no backend capability.");
    }
  }

  @Nested
  class Peers {
    /** A backend whose table is replicated with the section mypeers, and sticks clients. */
    private static final String TABLE = "backend bk\n  stick-table type ip size 1k peers mypeers\n"
        + "  stick on src\n  server s1 127.0.0.1:1\n";

    /** {@code DEFAULTS}, frontend ft on lines 6-8, on line 9 {@code peers mypeers}, its lines, then bk. */
    private static String withPeers(String... peersLines) {
      return DEFAULTS + "frontend ft\n  bind 127.0.0.1:0\n  default_backend bk\npeers mypeers\n"
          + String.join("\n", peersLines) + "\n" + TABLE;
    }

    private static HaproxyConfig parse(String text, String localPeer) {
      return HaproxyConfig.parse("haproxy.cfg", text, localPeer);
    }

    /** The errors of {@code text} read with {@code -L localPeer}, one a line. */
    private static String error(String text, String localPeer) {
      try {
        parse(text, localPeer).check();
      } catch (ConfigFileException e) {
        return e.getMessage();
      }
      throw new AssertionError("no error in:\n" + text);
    }

    private static PeerConfig peer(String name, String host, int port) throws IOException {
      return new PeerConfig(name, address(host, port));
    }

    /** The message of a section without a peer of the local name, {@code from} where that is. */
    private static String noLocalPeer(String local, String from) {
      return "peers section 'mypeers' has no peer named '" + local + "', the local peer name (" + from
          + "): one of its peers must be this balancer (HAProxy removes the section with a warning,"
          + " and does not replicate the tables that name it).";
    }

    @Test
    void peerLinesAreThisBalancerUnderTheLocalNameAndTheOthersUnderTheirs() throws IOException {
      String file = withPeers("  peer lb1 198.51.100.11:10000", "  peer lb2 198.51.100.12:10000",
          "  peer lb3 [2001:db8::13]:10000");
      HaproxyConfig lb1 = parse(file, "lb1");
      assertThat(lb1.notes()).isEmpty();
      BalancerConfig config = lb1.check();
      assertThat(config.peers()).containsExactly(new PeersConfig("mypeers",
          peer("lb1", "198.51.100.11", 10000),
          List.of(peer("lb2", "198.51.100.12", 10000), peer("lb3", "2001:db8::13", 10000))));
      assertThat(config.backends().get(0).stick())
          .isEqualTo(new StickConfig(1024, Duration.ofMillis(Integer.MAX_VALUE), true, true, "mypeers"));

      assertThat(parse(file, "lb2").check().peers()).containsExactly(new PeersConfig("mypeers",
          peer("lb2", "198.51.100.12", 10000),
          List.of(peer("lb1", "198.51.100.11", 10000), peer("lb3", "2001:db8::13", 10000))));
    }

    @Test
    void defaultBindAndDefaultServerPutEverySessionOnTlsAuthenticatedBothWays(@TempDir Path dir)
        throws IOException {
      Path pem = Files.writeString(dir.resolve("lb1.pem"), "certificate and key");
      Path ca = Files.writeString(dir.resolve("ca.pem"), "ca");
      String tls = " ssl crt " + pem + " ca-file " + ca + " verify required";
      PeersConfig section = parse(withPeers("  default-bind" + tls, "  default-server" + tls,
          "  peer lb1 198.51.100.11:10000", "  peer lb2 198.51.100.12:10000"), "lb1").check().peers().get(0);
      assertThat(section.tls()).isEqualTo(new PeerTls(pem, ca));

      assertThat(error(withPeers("  default-bind" + tls, "  peer lb1 198.51.100.11:10000"), "lb1"))
          .isEqualTo("parsing [haproxy.cfg:10] : 'default-bind' without 'default-server': Steelyard's"
              + " peers take TLS on both sides of every session, from the same 'ssl crt <pem>"
              + " ca-file <ca> verify required' on both lines.");
      assertThat(error(withPeers("  default-bind" + tls, "  default-server" + tls.replace(ca.toString(), pem.toString()),
          "  peer lb1 198.51.100.11:10000"), "lb1"))
          .isEqualTo("parsing [haproxy.cfg:11] : 'default-server' : its 'crt' and 'ca-file' must be"
              + " those of 'default-bind' at haproxy.cfg:10: Steelyard presents one certificate both"
              + " ways and trusts one CA.");
      String missing = tls.replace(pem.toString(), dir.resolve("none.pem").toString());
      assertThat(error(withPeers("  default-bind" + missing, "  default-server" + missing,
          "  peer lb1 198.51.100.11:10000"), "lb1"))
          .isEqualTo("parsing [haproxy.cfg:10] : peers 'mypeers': tls: cannot read the certificate '"
              + dir.resolve("none.pem") + "'");
    }

    @Test
    void bindAndServerLinesAreHaproxysOtherFormTheLocalServerListeningAtTheBindAddress()
        throws IOException {
      PeersConfig expected = new PeersConfig("mypeers", peer("lb1", "198.51.100.11", 10000),
          List.of(peer("lb2", "198.51.100.12", 10000), peer("lb3", "::1", 10003)));
      assertThat(parse(withPeers("  bind 198.51.100.11:10000", "  server lb1",
          "  server lb2 198.51.100.12:10000", "  server lb3 ::1:10003"), "lb1").check().peers())
          .containsExactly(expected);
      assertThat(parse(withPeers("  server lb2 198.51.100.12:10000", "  server lb1",
          "  server lb3 [::1]:10003", "  bind 198.51.100.11:10000"), "lb1").check().peers())
          .as("in any order")
          .containsExactly(expected);
      assertThat(parse(withPeers("  peer lb1 198.51.100.11:10000", "  server lb2 198.51.100.12:10000",
          "  peer lb3 [::1]:10003"), "lb1").check().peers())
          .as("peer and server lines mix")
          .containsExactly(expected);
    }

    @Test
    void aSectionMayComeAfterTheTablesThatNameItAndSeveralTablesMayNameOne() {
      BalancerConfig config = parse(DEFAULTS + """
          listen web
            bind 127.0.0.1:0
            stick-table type ip size 1k peers mypeers
            stick on src
            server s1 127.0.0.1:1
          backend other
            stick-table peers mypeers type ip size 2k
            server s1 127.0.0.1:2
          peers mypeers
            peer lb1 127.0.0.1:10000
          """, "lb1").check();
      assertThat(config.backends().stream().map(b -> b.stick().peers()).toList())
          .containsExactly("mypeers", "mypeers");
      assertThat(config.peers().get(0).remotes()).isEmpty();
    }

    @Test
    void minusLWinsOverLocalpeerWithHaproxysWarning() {
      HaproxyConfig config = parse("global\n  localpeer lb1\n"
          + withPeers("  peer lb1 127.0.0.1:10000", "  peer lb2 127.0.0.2:10000"), "lb2");
      assertThat(config.notes()).containsExactly("[WARNING] haproxy.cfg:2 : 'localpeer' ignored since"
          + " it is already set by using the '-L' command line argument.");
      assertThat(config.check().peers().get(0).local().name()).isEqualTo("lb2");
    }

    @Test
    void localpeerNamesThisBalancerWithoutMinusLAndASecondOneWinsWithAWarning() {
      String file = "global\n  localpeer lb1\n  localpeer lb2\n"
          + withPeers("  peer lb1 127.0.0.1:10000", "  peer lb2 127.0.0.2:10000");
      HaproxyConfig config = parse(file, null);
      assertThat(config.notes())
          .containsExactly("[WARNING] haproxy.cfg:3 : 'localpeer' already specified at line 2; the last one applies");
      assertThat(config.check().peers().get(0).local().name()).isEqualTo("lb2");
      assertThat(HaproxyConfig.parse("haproxy.cfg", "global\n  localpeer lb1\n"
          + withPeers("  peer lb1 127.0.0.1:10000", "  peer lb2 127.0.0.2:10000")).check().peers().get(0).local().name())
          .isEqualTo("lb1");
    }

    @Test
    void withoutMinusLOrLocalpeerTheLocalNameIsTheHostName() throws IOException {
      String host = LocalPeer.hostName();
      Assumptions.assumeTrue(host.matches("[A-Za-z0-9.:_-]+"), "a host name that is a peer name");
      BalancerConfig config = parse(withPeers("  peer " + host + " 127.0.0.1:10000",
          "  peer other-" + host + " 127.0.0.2:10000"), null).check();
      assertThat(config.peers().get(0).local()).isEqualTo(peer(host, "127.0.0.1", 10000));
      assertThat(error(withPeers("  peer not-" + host + " 127.0.0.1:10000"), null))
          .isEqualTo("parsing [haproxy.cfg:9] : " + noLocalPeer(host, "from the host name"));
      HaproxyConfig late = parse(withPeers("  peer " + host + " 127.0.0.1:10000") + "global\n  localpeer lb1\n", null);
      assertThat(late.notes()).containsExactly("[WARNING] haproxy.cfg:16 : 'localpeer' ignored since it is"
          + " used after 'peers' section (at haproxy.cfg:9): the local peer name is '" + host + "', from the"
          + " host name.");
      assertThat(late.check().peers().get(0).local().name()).isEqualTo(host);
    }

    @Test
    void aLocalpeerAfterAPeersSectionIsIgnoredWithHaproxysWarning() {
      String file = withPeers("  peer lb1 127.0.0.1:10000", "  peer lb2 127.0.0.2:10000")
          + "global\n  localpeer lb2\n";
      HaproxyConfig config = parse(file, "lb1");
      assertThat(config.notes()).containsExactly("[WARNING] haproxy.cfg:17 : 'localpeer' ignored since"
          + " it is already set by using the '-L' command line argument.");
      assertThat(config.check().peers().get(0).local().name()).isEqualTo("lb1");
      HaproxyConfig ignored = parse("global\n  localpeer lb1\n" + file, null);
      assertThat(ignored.notes()).containsExactly("[WARNING] haproxy.cfg:19 : 'localpeer' ignored since"
          + " it is used after 'peers' section (at haproxy.cfg:11): the local peer name is 'lb1',"
          + " from 'localpeer' at haproxy.cfg:2.");
      assertThat(ignored.check().peers().get(0).local().name()).isEqualTo("lb1");
    }

    @Test
    void aSectionWithoutThePeerOfTheLocalNameIsAnErrorAtItsHeaderNamingWhereTheNameComesFrom() {
      String file = withPeers("  peer lb1 127.0.0.1:10000", "  peer lb2 127.0.0.2:10000");
      assertThat(error(file, "lb3")).isEqualTo("parsing [haproxy.cfg:9] : " + noLocalPeer("lb3", "from -L"));
      assertThat(error("global\n  localpeer lb3\n" + file, null))
          .isEqualTo("parsing [haproxy.cfg:11] : " + noLocalPeer("lb3", "from 'localpeer' at haproxy.cfg:2"));
      assertThat(error(withPeers("  bind 127.0.0.1:10000", "  server lb2 127.0.0.2:10000"), "lb1"))
          .as("a bind line without the local server")
          .isEqualTo("parsing [haproxy.cfg:9] : " + noLocalPeer("lb1", "from -L"));
      assertThat(error(withPeers(), "lb1"))
          .as("an empty section")
          .isEqualTo("parsing [haproxy.cfg:9] : " + noLocalPeer("lb1", "from -L"));
    }

    @Test
    void theLocalServerWithoutABindLineHasNoAddress() {
      assertThat(error(withPeers("  server lb1", "  server lb2 127.0.0.2:10000"), "lb1"))
          .isEqualTo("parsing [haproxy.cfg:10] : 'server lb1' : the local peer has no address: a"
              + " 'bind <addr>:<port>' line in peers section 'mypeers' gives where it listens.");
    }

    @Test
    void aTableNamingNoSectionIsAnErrorAtItsLineInHaproxysWords() {
      assertThat(error(DEFAULTS + "frontend ft\n  bind 127.0.0.1:0\n  default_backend bk\n" + TABLE, "lb1"))
          .isEqualTo("parsing [haproxy.cfg:10] : Proxy 'bk': unable to find sync peers 'mypeers'.");
      assertThat(error(withPeers("  peer lb1 127.0.0.1:10000").replace("peers mypeers\n  stick", "peers other\n  stick"), "lb1"))
          .isEqualTo("parsing [haproxy.cfg:12] : Proxy 'bk': unable to find sync peers 'other'.");
    }

    @Test
    void aSectionNeedsOneValidAndUniqueName() {
      String rest = "  peer lb1 127.0.0.1:10000\n" + TABLE;
      String head = DEFAULTS + "frontend ft\n  bind 127.0.0.1:0\n  default_backend bk\n";
      assertThat(error(head + "peers\n" + rest, "lb1"))
          .startsWith("parsing [haproxy.cfg:9] : missing name for peers section.\n");
      assertThat(error(head + "peers mypeers other\n" + rest, "lb1"))
          .startsWith("parsing [haproxy.cfg:9] : 'peers' cannot handle unexpected argument 'other'.\n");
      assertThat(error(head + "peers 'my peers'\n" + rest, "lb1"))
          .startsWith("parsing [haproxy.cfg:9] : character ' ' is not permitted in 'peers' name 'my peers'.\n");
      assertThat(error(head + "peers mypeers\n  peer lb1 127.0.0.1:10000\npeers mypeers\n  peer lb1 127.0.0.1:10001\n  bogus\n"
          + TABLE, "lb1"))
          .as("a section with a taken name is still read")
          .isEqualTo("parsing [haproxy.cfg:11] : peers section 'mypeers' has the same name as another peers"
              + " section declared at haproxy.cfg:9.\n"
              + "parsing [haproxy.cfg:13] : unknown keyword 'bogus' in 'peers' section");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "peer                          | 'peer' expects <name> and <addr>:<port> as arguments.",
      "peer lb2                      | 'peer' expects <name> and <addr>:<port> as arguments.",
      "peer 'l b' 127.0.0.2:10000    | character ' ' is not permitted in peer name 'l b'.",
      "peer l/b 127.0.0.2:10000      | character '/' is not permitted in peer name 'l/b'.",
      "peer lb1 127.0.0.2:10000      | 'peer lb1' : local peer name already referenced at haproxy.cfg:10.",
      "server lb1                    | 'server lb1' : local peer name already referenced at haproxy.cfg:10.",
      "peer lb2 127.0.0.2            | 'peer lb2' : missing port specification in '127.0.0.2'",
      "peer lb2 127.0.0.2:           | 'peer lb2' : missing port specification in '127.0.0.2:'",
      "peer lb2 [::1]                | 'peer lb2' : missing port specification in '[::1]'",
      "peer lb2 127.0.0.2:abc        | 'peer lb2' : invalid character 'a' in port number 'abc' in '127.0.0.2:abc'",
      "peer lb2 127.0.0.2:0          | 'peer lb2' : invalid port '0'",
      "peer lb2 127.0.0.2:99999      | 'peer lb2' : invalid port '99999'",
      "peer lb2 127.0.0.2:1000-1002  | 'peer lb2' : port range not permitted here in '127.0.0.2:1000-1002'",
      "peer lb2 lb2.example:10000    | 'peer lb2' : invalid address: 'lb2.example' in 'lb2.example:10000' (Steelyard takes an IPv4 or IPv6 address; it resolves no host name)",
      "peer lb2 *:10000              | 'peer lb2' : no address in '*:10000' (a peer listens and is reached at one IPv4 or IPv6 address, not at any).",
      "peer lb2 :10000               | 'peer lb2' : no address in ':10000' (a peer listens and is reached at one IPv4 or IPv6 address, not at any).",
      "peer lb2 127.0.0.2:10000 ssl  | 'peer lb2' : 'ssl' is not supported by Steelyard in 'peers' section (a peer takes a name and an address only; TLS is the section's, on its 'default-bind' and 'default-server' lines).",
      "peer lb2 127.0.0.2:10000 check | 'peer lb2' : 'check' is not supported by Steelyard in 'peers' section (a peer takes a name and an address only; TLS is the section's, on its 'default-bind' and 'default-server' lines).",
      "server                        | 'server' expects <name> [<addr>:<port>] as arguments.",
      "server lb2                    | 'server lb2' : a peer other than the local one ('lb1', from -L) needs its <addr>:<port>.",
      "server lb2 127.0.0.2:10000 ssl | 'server lb2' : 'ssl' is not supported by Steelyard in 'peers' section (a peer takes a name and an address only; TLS is the section's, on its 'default-bind' and 'default-server' lines).",
      "disabled                      | 'disabled' is not supported by Steelyard in 'peers' section (a section replicates the tables that name it; remove their 'peers' option).",
      "enabled                       | 'enabled' is not supported by Steelyard in 'peers' section (a section replicates the tables that name it).",
      "default-server ssl            | 'default-server' : Steelyard's peers take TLS authenticated both ways: 'ssl crt <pem> ca-file <ca> verify required', all of them.",
      "default-bind ssl crt a.pem ca-file ca.pem verify none | 'default-bind' : Steelyard's peers take TLS authenticated both ways: 'ssl crt <pem> ca-file <ca> verify required', all of them.",
      "default-bind ssl crt a.pem ca-file ca.pem verify required alpn h2 | 'default-bind' : 'alpn' is not supported by Steelyard in 'peers' section (it takes 'ssl crt <pem> ca-file <ca> verify required').",
      "default-bind ssl crt | 'default-bind' : 'crt' expects an argument.",
      "table t type ip size 1k       | 'table' is not supported by Steelyard in 'peers' section (declare the table in its backend, with 'stick-table ... peers <name>').",
      "log stdout local0             | 'log' is not supported by Steelyard in 'peers' section (it logs through SLF4J, set up by the application).",
      "enable                        | unknown keyword 'enable' in 'peers' section",
      "shards 2                      | unknown keyword 'shards' in 'peers' section",
      "timeout connect 5s            | unknown keyword 'timeout' in 'peers' section",
      "maxconn 10                    | 'maxconn' is only supported in the 'global' section by Steelyard",
      "localpeer lb1                 | 'localpeer' is only supported in the 'global' section by Steelyard",
    })
    void peerLineMistakesAreErrorsAtTheirLine(String line, String message) {
      assertThat(error(withPeers("  peer lb1 127.0.0.1:10000", "  " + line), "lb1"))
          .isEqualTo("parsing [haproxy.cfg:11] : " + message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "bind                                  | 'bind' expects <addr>:<port> as an argument.",
      "bind 127.0.0.1                        | 'bind 127.0.0.1' : missing port specification in '127.0.0.1'",
      "bind 127.0.0.1:0                      | 'bind 127.0.0.1:0' : invalid port '0'",
      "bind lb.example:10000                 | 'bind lb.example:10000' : invalid address: 'lb.example' in 'lb.example:10000' (Steelyard takes an IPv4 or IPv6 address; it resolves no host name)",
      "bind :10000                           | 'bind :10000' : no address in ':10000' (a peer listens and is reached at one IPv4 or IPv6 address, not at any).",
      "bind 127.0.0.1:10000 ssl crt peer.pem | 'bind 127.0.0.1:10000' : 'ssl' is not supported by Steelyard in 'peers' section (a peer takes a name and an address only; TLS is the section's, on its 'default-bind' and 'default-server' lines).",
    })
    void bindLineMistakesAreErrorsAtTheirLine(String line, String message) {
      assertThat(error(withPeers("  server lb1", "  " + line, "  server lb2 127.0.0.2:10000"), "lb1").split("\n")[0])
          .isEqualTo("parsing [haproxy.cfg:11] : " + message);
    }

    @Test
    void theBindFormTakesOneBindNoPeerLineAndNoAddressForTheLocalServer() {
      assertThat(error(withPeers("  bind 127.0.0.1:10000", "  server lb1", "  bind 127.0.0.1:10001"), "lb1"))
          .isEqualTo("parsing [haproxy.cfg:12] : One listener per \"peers\" section is authorized but"
              + " another is already configured at [haproxy.cfg:10].");
      assertThat(error(withPeers("  bind 127.0.0.1:10000", "  server lb1", "  peer lb2 127.0.0.2:10000"), "lb1"))
          .isEqualTo("parsing [haproxy.cfg:12] : mixing \"peer\" and \"bind\" line is forbidden");
      assertThat(error(withPeers("  peer lb1 127.0.0.1:10000", "  bind 127.0.0.1:10001"), "lb1"))
          .isEqualTo("parsing [haproxy.cfg:11] : mixing \"peer\" and \"bind\" line is forbidden");
      assertThat(error(withPeers("  bind 127.0.0.1:10000", "  server lb1 127.0.0.9:10000"), "lb1").split("\n")[0])
          .isEqualTo("parsing [haproxy.cfg:11] : 'server lb1' : no address was expected for the local"
              + " peer, which listens at the 'bind' address (got '127.0.0.9:10000').");
    }

    @Test
    void aRemotePeerNamedTwiceIsAnError() {
      assertThat(error(withPeers("  peer lb1 127.0.0.1:10000", "  peer lb2 127.0.0.2:10000",
          "  server lb2 127.0.0.3:10000"), "lb1"))
          .isEqualTo("parsing [haproxy.cfg:12] : 'server lb2' : peer name already referenced at haproxy.cfg:11.");
    }
  }
}
