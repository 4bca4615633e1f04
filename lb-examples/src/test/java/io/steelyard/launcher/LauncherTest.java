package io.steelyard.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.steelyard.launcher.haproxy.HaproxyConfig;
import io.steelyard.lb.config.BackendConfig;
import io.steelyard.lb.config.ServerConfig;
import io.steelyard.lb.config.StickConfig;
import io.steelyard.lb.transport.Source;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher in this JVM: its options, {@code -c}, and the errors it prints. */
class LauncherTest {
  private static final String VALID =
      "defaults\n  timeout connect 5s\n  timeout client 50s\n  timeout server 50s\n"
          + "frontend ft\n  bind 127.0.0.1:0\n  default_backend bk\n"
          + "backend bk\n  server s1 127.0.0.1:1\n";

  /** A real-world file: a transparent TCP proxy with health checks and a stick table. */
  private static final String SEED = """
      global
          log /dev/log local0
          chroot /var/lib/haproxy
          stats socket /run/haproxy/admin.sock mode 660 level admin
          stats timeout 30s
          user haproxy
          group haproxy
          daemon
      defaults
          log global
          mode tcp
          option tcplog
          option dontlognull
          timeout connect 5000
          timeout client 50000
          timeout server 50000
      frontend ft_http
          bind :80 transparent
          mode tcp
          default_backend bk_http
      backend bk_http
          mode tcp
          balance leastconn
          stick store-request src
          stick-table type ip size 200k expire 30m
          source 0.0.0.0 usesrc clientip
          server s1 192.168.69.106:80 check
          server s1 192.168.69.107:80 check
      """;

  @TempDir Path dir;

  private static Launch launch(String... args) throws InterruptedException {
    return Launch.of(args);
  }

  private Path file(String text) throws IOException {
    return Files.writeString(Files.createTempFile(dir, "haproxy", ".cfg"), text);
  }

  @Test
  void checkSaysAValidFileIsValid() throws Exception {
    Launch run = launch("-c", "-f", file("global\n  daemon\n" + VALID).toString());
    assertThat(run.status()).isZero();
    assertThat(run.out()).isEqualTo("Configuration file is valid\n");
    assertThat(run.err()).contains(":2 : 'daemon' does not apply to Steelyard");
  }

  @Test
  void checkPrintsEachErrorOfAnInvalidFileAndExits1() throws Exception {
    Path cfg = file(VALID + "  server s1 127.0.0.1:2\n  foo\n");
    Launch run = launch("-c", "-f", cfg.toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo("[ALERT] parsing [" + cfg + ":10] : backend 'bk', another server named 's1' was already"
            + " defined at line 9, please use distinct names.\n"
            + "[ALERT] parsing [" + cfg + ":11] : unknown keyword 'foo' in 'backend' section\n");
  }

  @Test
  void theSeedFileFailsOnlyOnItsDuplicateServer() throws Exception {
    Path cfg = file(SEED);
    Launch run = launch("-c", "-f", cfg.toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo("[ALERT] parsing [" + cfg + ":28] : backend 'bk_http', another server named 's1' was already defined at"
            + " line 27, please use distinct names.\n");
  }

  @Test
  void checkTakesTheTransparentSeedWithoutRootOrRules() throws Exception {
    Path cfg = file(SEED.replace("server s1 192.168.69.107:80", "server s2 192.168.69.107:80"));
    Launch run = launch("-c", "-f", cfg.toString());
    assertThat(run.status()).isZero();
    assertThat(run.out()).isEqualTo("Configuration file is valid\n");
    assertThat(run.err()).doesNotContain("ALERT");

    HaproxyConfig config = HaproxyConfig.read(List.of(cfg));
    assertThat(config.transparent()).isTrue();
    assertThat(config.check().frontends().get(0).transparent()).isTrue();
    assertThat(config.check().backends().get(0).source()).isEqualTo(Source.clientIp());
  }

  @Test
  void printTproxyRulesPrintsTheCommandsAndExits0() throws Exception {
    Launch run = launch("--print-tproxy-rules");
    assertThat(run.status()).isZero();
    assertThat(run.out().lines())
        .contains("ip -4 rule add fwmark 1 lookup 100", "ip -4 route add local 0.0.0.0/0 dev lo table 100")
        .noneMatch(line -> line.startsWith("ip -6 "));

    Path v6 = file(VALID.replace("bind 127.0.0.1:0", "bind [::1]:0 transparent"));
    Launch ipv6 = launch("--print-tproxy-rules", "-f", v6.toString());
    assertThat(ipv6.status()).isZero();
    assertThat(ipv6.out().lines())
        .contains("ip -4 rule add fwmark 1 lookup 100", "ip -6 rule add fwmark 1 lookup 100");
  }

  @Test
  void tproxyOptionsAreCheckedAndDocumented() throws Exception {
    assertThat(launch("--tproxy-rules").err())
        .startsWith("[ALERT] option '--tproxy-rules' is for the files given with '-f': none given\n");
    assertThat(launch("--print-tproxy-rules", "-c", "-f", file(VALID).toString()).err())
        .startsWith("[ALERT] option '--print-tproxy-rules' prints the rules and exits: it takes no '-c'\n");
    assertThat(launch("--tproxy-rules=bogus").err()).startsWith("[ALERT] unknown option '--tproxy-rules=bogus'\n");
    assertThat(CommandLine.parse("--tproxy-rules", "-f", "x").rules()).isEqualTo(CommandLine.Rules.APPLY);
    assertThat(CommandLine.parse("--tproxy-rules=external", "-f", "x").rules()).isEqualTo(CommandLine.Rules.EXTERNAL);
    assertThat(CommandLine.parse("-f", "x").rules()).isEqualTo(CommandLine.Rules.CHECK);
    assertThat(CommandLine.USAGE).contains("--tproxy-rules", "--tproxy-rules=external", "--print-tproxy-rules");
  }

  @Test
  void theSeedFileWithDistinctServersAndWithoutThoseKeywordsIsValidAndWarnsThatNoClientSticks()
      throws Exception {
    Path cfg = file(SEED
        .replace("bind :80 transparent", "bind :80")
        .replace("    source 0.0.0.0 usesrc clientip\n", "")
        .replace("server s1 192.168.69.107:80", "server s2 192.168.69.107:80"));
    Launch run = launch("-c", "-f", cfg.toString());
    assertThat(run.status()).isZero();
    assertThat(run.out()).isEqualTo("Configuration file is valid\n");
    String ignored = "does not apply to Steelyard";
    assertThat(run.err().lines())
        .containsExactly(
            "[NOTICE] " + cfg + ":3 : 'chroot' " + ignored + " (a JVM cannot change its root directory); ignored",
            "[NOTICE] " + cfg + ":6 : 'user' " + ignored + " (it runs as the user who started the JVM); ignored",
            "[NOTICE] " + cfg + ":7 : 'group' " + ignored + " (it runs as the user who started the JVM); ignored",
            "[NOTICE] " + cfg + ":8 : 'daemon' " + ignored + " (runs in the foreground of its JVM); ignored",
            "[WARNING] " + cfg + ":24 : backend 'bk_http': 'stick store-request src' without 'stick match src' stores"
                + " entries that nothing reads, so no client sticks (as in HAProxy); use 'stick on src' to keep"
                + " clients on their server.",
            "[NOTICE] transport: epoll-edge, the first this machine has of epoll, io_uring and nio");

    BackendConfig backend = HaproxyConfig.read(List.of(cfg)).check().backends().get(0);
    assertThat(backend.stick()).isEqualTo(new StickConfig(204_800, Duration.ofMinutes(30), false, true, null));
    assertThat(backend.balance().name()).isEqualTo("leastconn");
    assertThat(backend.servers()).extracting(ServerConfig::name).containsExactly("s1", "s2");
    assertThat(backend.servers()).allSatisfy(server -> assertThat(server.check()).isNotNull());
  }

  @Test
  void severalFilesAreReadInOrder() throws Exception {
    Path first = file("defaults\n  timeout connect 5s\n  timeout client 5s\n  timeout server 5s\n");
    Path second = file("listen app\n  bind 127.0.0.1:0\n  server s1 127.0.0.1:1\n");
    Launch run = launch("-c", "-f", first.toString(), "-f", second.toString());
    assertThat(run.status()).isZero();
    assertThat(run.err()).isEqualTo("[NOTICE] transport: epoll-edge, the first this machine has of epoll, io_uring and nio\n");
  }

  @Test
  void jvmOptionsAreSizedFromTheFilesMaxconnAndPrintedAlone() throws Exception {
    Launch run = launch("--jvm-options", "-f", file("global\n  maxconn 9500\n  daemon\n" + VALID).toString());
    assertThat(run.status()).isZero();
    assertThat(run.out()).startsWith("-Xms88m -Xmx88m -Xmn24m -XX:+UseSerialGC -XX:MaxDirectMemorySize=");
    assertThat(run.err()).as("notes are for the run itself, not said twice").isEmpty();
  }

  @Test
  void jvmOptionsRefuseAnInvalidFileAsTheRunWould() throws Exception {
    Path broken = file(VALID + "  bogus 1\n");
    Launch run = launch("--jvm-options", "-f", broken.toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo(
        "[ALERT] parsing [" + broken + ":10] : unknown keyword 'bogus' in 'backend' section\n");
  }

  @Test
  void checkSaysWhichTransportRunsAndWhy() throws Exception {
    Path plain = file(VALID);
    assertThat(launch("-c", "-de", "-f", plain.toString()).err())
        .isEqualTo("[NOTICE] transport: io_uring (noepoll)\n");
    assertThat(launch("-c", "-du", "-de", "-f", plain.toString()).err())
        .isEqualTo("[NOTICE] transport: nio (noepoll; nouring)\n");
    Path global = file("global\n  noepoll\n  nouring\n" + VALID);
    assertThat(launch("-c", "-f", global.toString()).err())
        .isEqualTo("[NOTICE] transport: nio (noepoll; nouring)\n");
    Path spliced = file(VALID.replace("defaults\n", "defaults\n  option splice-auto\n"));
    assertThat(launch("-c", "-f", spliced.toString()).err())
        .endsWith("[NOTICE] transport: epoll, the first this machine has of epoll, io_uring and nio,"
            + " splicing with Netty's channels\n");
    assertThat(launch("-c", "-de", "-f", spliced.toString()).err())
        .endsWith("[NOTICE] transport: io_uring (noepoll), copying: 'option splice-*' needs epoll\n");
    Path transparent = file(VALID.replace("defaults\n", "defaults\n  option splice-auto\n")
        .replace("bind 127.0.0.1:0", "bind 127.0.0.1:0 transparent"));
    assertThat(launch("-c", "-f", transparent.toString()).err())
        .endsWith("[NOTICE] transport: tproxy (epoll with IP_TRANSPARENT, splicing), which"
            + " 'transparent' and 'usesrc' need\n");
  }

  @Test
  void noepollAndNouringTakeNoArgument() throws Exception {
    Launch run = launch("-c", "-f", file("global\n  nouring now\n" + VALID).toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("'nouring' cannot handle unexpected argument 'now'");
  }

  @Test
  void aMissingFileIsAnError() throws Exception {
    Launch run = launch("-c", "-f", dir.resolve("nope.cfg").toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).startsWith("[ALERT] config : cannot open configuration file");
  }

  @Test
  void aNulCharacterStopsReadingAtOnceAsInHaproxy() {
    Launch run = assertTimeoutPreemptively(
        Duration.ofSeconds(10), () -> launch("-c", "-f", "/dev/zero"));
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo("[ALERT] parsing [/dev/zero:1]: Stray NUL character at position 1.\n");
  }

  @Test
  void aNulCharacterIsAnErrorAtItsLineAndNothingAfterItIsRead() throws Exception {
    Path cfg = file("global\n  daemon\n  maxconn 1\0 0\n  frobnicate\n" + VALID);
    Launch run = launch("-c", "-f", cfg.toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo("[ALERT] parsing [" + cfg + ":3]: Stray NUL character at position 12.\n");
  }

  @Test
  void aLineLongerThan64KiBIsAnErrorAtItsLine() throws Exception {
    String comment = "# " + "x".repeat(64 * 1024 - 2) + "\n";
    Path longest = file(comment + VALID);
    assertThat(launch("-c", "-f", longest.toString()).status()).as("64 KiB").isZero();

    Path cfg = file("global\n" + comment.replace("# ", "# x") + VALID);
    Launch run = launch("-c", "-f", cfg.toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo("[ALERT] parsing [" + cfg + ":2]: line too long, limited to 65536 bytes.\n");
  }

  @Test
  void aFileLargerThan64MiBIsAnError() throws Exception {
    Path cfg = file(VALID);
    byte[] comments = ("#" + "x".repeat(1023) + "\n").repeat(1024).getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 64; i++) {
      Files.write(cfg, comments, StandardOpenOption.APPEND);
    }
    Launch run = launch("-c", "-f", cfg.toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo("[ALERT] Loading " + cfg + ": input is too large, limited to 64MB.\n");
  }

  @Test
  void aFrontendThatCannotBindIsAnErrorAndNothingKeepsRunning() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Path cfg = file(VALID.replace("127.0.0.1:0", "127.0.0.1:" + taken.getLocalPort()));
      Launch run = launch("-f", cfg.toString());
      assertThat(run.status()).isEqualTo(1);
      assertThat(run.err())
          .contains("[ALERT] frontend 'ft': cannot bind 127.0.0.1:" + taken.getLocalPort());
    }
  }

  @Test
  void anUnknownOptionPrintsTheUsageAndExits1() throws Exception {
    Launch run = launch("--bogus");
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).startsWith("[ALERT] unknown option '--bogus'\nUsage: java -jar steelyard.jar");
  }

  @Test
  void misplacedOrIncompleteOptionsAreErrors() throws Exception {
    assertThat(launch("-f").err()).startsWith("[ALERT] option '-f' expects a configuration file\n");
    assertThat(launch("-c").err()).startsWith("[ALERT] option '-c' checks the files given with '-f'");
    Launch forever = launch("--forever", "-f", file(VALID).toString());
    assertThat(forever.status()).isEqualTo(1);
    assertThat(forever.err()).startsWith("[ALERT] option '--forever' is for the demo");
  }

  @Test
  void localPeerNameIsHaproxysOptionL() throws Exception {
    assertThat(CommandLine.parse("-L", "lb2", "-f", "x").localPeer()).isEqualTo("lb2");
    assertThat(CommandLine.parse("-f", "x", "-L", "lb1", "-L", "lb2").localPeer()).isEqualTo("lb2");
    assertThat(CommandLine.parse("-f", "x").localPeer()).isNull();
    assertThat(launch("-f", "x", "-L").err())
        .startsWith("[ALERT] option '-L' expects a local peer name\nUsage: java -jar steelyard.jar");
    assertThat(launch("-L", "lb1").err())
        .startsWith("[ALERT] option '-L' names the local peer of the files given with '-f': none given\n");
    assertThat(CommandLine.USAGE).contains("[-L <name>]", "  -L <name>   the local peer name");
  }

  @Test
  void optionLNamesThisBalancerInThePeersSections() throws Exception {
    Path cfg = file("global\n  localpeer lb1\n" + VALID.replace("\nbackend bk\n",
        "\nbackend bk\n  stick-table type ip size 1k peers mypeers\n  stick on src\n")
        + "peers mypeers\n  peer lb1 127.0.0.1:10001\n  peer lb2 127.0.0.2:10001\n");
    Launch run = launch("-c", "-L", "lb2", "-f", cfg.toString());
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.err()).contains("[WARNING] " + cfg + ":2 : 'localpeer' ignored since it is already"
        + " set by using the '-L' command line argument.");
    assertThat(launch("-c", "-f", cfg.toString()).status()).isZero();
    Launch unknown = launch("-c", "-L", "lb3", "-f", cfg.toString());
    assertThat(unknown.status()).isEqualTo(1);
    assertThat(unknown.err()).isEqualTo("[ALERT] parsing [" + cfg + ":14] : peers section 'mypeers'"
        + " has no peer named 'lb3', the local peer name (from -L): one of its peers must be this"
        + " balancer (HAProxy removes the section with a warning, and does not replicate the tables"
        + " that name it).\n");
  }

  @Test
  void helpPrintsTheUsage() throws Exception {
    Launch run = launch("--help");
    assertThat(run.status()).isZero();
    assertThat(run.out()).isEqualTo(CommandLine.USAGE);
  }
}
