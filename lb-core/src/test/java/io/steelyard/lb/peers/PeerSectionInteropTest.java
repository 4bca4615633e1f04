package io.steelyard.lb.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steelyard.lb.config.PeerConfig;
import io.steelyard.lb.config.PeerTls;
import io.steelyard.lb.stick.StickEntry;
import io.steelyard.lb.testing.ScriptedServer;
import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.Tools;
import io.steelyard.lb.testing.UnixSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link PeerSection} against a real HAProxy 2.6 (Debian's package) as its peer, on loopback:
 * entries written on either side reach the other within a second; a restarted Steelyard learns
 * the table back with the times to live HAProxy's entries have left; HAProxy learns Steelyard's
 * table when it starts; all of it again with HAProxy speaking the protocol's 2.0, as it does with
 * a peer that greets with 2.0 or answers 502 to 2.1; and over TLS, both sides authenticated, a
 * certificate of another CA refused. HAProxy's table expires in 30 minutes and Steelyard's in 60,
 * so that an entry's time to live tells a timed update from a plain one.
 */
class PeerSectionInteropTest {
  private static final Duration OUR_EXPIRE = Duration.ofMinutes(60);
  private static final Duration ONE_SECOND = Duration.ofSeconds(1);

  @TempDir Path dir;
  private Process haproxy;
  private TestPeer peer;
  private ScriptedServer s1;
  private InetSocketAddress ours;
  private InetSocketAddress front;
  private Path socket;
  private String config;

  @BeforeEach
  void prepare() throws IOException {
    Tools.require("haproxy");
    s1 = ScriptedServer.thenClose(ScriptedServer.write("hello\n"));
    ours = new InetSocketAddress(InetAddress.getLoopbackAddress(), TestBackend.refusingAddress().getPort());
    front = TestBackend.refusingAddress();
    socket = dir.resolve("haproxy.sock");
    config = HaproxyPeerConfig.of(socket.toString(), TestBackend.refusingAddress().getPort(),
        ours.getPort(), front.getPort(), "127.0.0.1:" + s1.address().getPort());
  }

  @AfterEach
  void stop() throws Exception {
    if (peer != null) {
      peer.close();
    }
    if (haproxy != null) {
      haproxy.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    s1.close();
  }

  @Test
  void entriesCrossBothWaysAndARestartedPeerLearnsTheTableBack() throws Exception {
    startHaproxy();
    peer = startPeer(1);
    entriesCrossBothWays();

    peer.close();
    long restarted = System.nanoTime();
    peer = startPeer(1);
    await().pollInterval(Duration.ofMillis(2)).atMost(ONE_SECOND).until(() -> peer.table.used() == 3);
    System.out.printf("resync of 3 entries from HAProxy: %d ms%n", millisSince(restarted));
    for (StickEntry.Snapshot entry : peer.table.entries()) {
      assertThat(entry.expiresIn())
          .as("the time to live HAProxy's entry had left, under its 30 minutes: " + entry)
          .isLessThanOrEqualTo(Duration.ofMinutes(30));
    }
    assertThat(peer.table.entry(address("127.0.0.9")).orElseThrow().serverId()).isEqualTo(1);
    assertThat(peer.table.entry(address("127.0.0.7")).orElseThrow().serverId()).isEqualTo(2);
  }

  @Test
  void haproxyLearnsOurTableWhenItStarts() throws Exception {
    peer = startPeer(1);
    peer.table.store(address("127.0.0.21"), 1).connectionClosed();
    peer.table.store(address("127.0.0.22"), 2).connectionClosed();
    startHaproxy();
    await().atMost(Duration.ofSeconds(15)).until(() -> haproxyTable().contains("127.0.0.22"));
    String shown = haproxyTable();
    assertThat(shown).containsPattern("key=127\\.0\\.0\\.21 .*server_id=2 server_key=s2");
    assertThat(shown).containsPattern("key=127\\.0\\.0\\.22 .*server_id=3 server_key=s3");
  }

  @Test
  void haproxyFallsBackTo20WithAPeerThatSpeaksOnly20() throws Exception {
    startHaproxy();
    peer = startPeer(0);
    entriesCrossBothWays();

    peer.close();
    peer = startPeer(0);
    await().atMost(Duration.ofSeconds(5)).until(() -> peer.table.used() == 3);
    for (StickEntry.Snapshot entry : peer.table.entries()) {
      assertThat(entry.expiresIn())
          .as("a plain update under 2.0 lives our table's 60 minutes: " + entry)
          .isGreaterThan(Duration.ofMinutes(59));
    }
  }

  @Test
  void overTlsBothSidesAuthenticateAndEntriesCrossAsInTheClear() throws Exception {
    PeerCertificates certificates = PeerCertificates.create(dir, "hap", "sy");
    String tls = "ssl crt " + certificates.pem("hap") + " ca-file " + certificates.ca() + " verify required";
    config = config.replaceFirst("(?m)^peers mypeers\n", java.util.regex.Matcher.quoteReplacement(
        "peers mypeers\n  default-bind " + tls + "\n  default-server " + tls + "\n"));
    startHaproxy();
    Matcher hap = Pattern.compile("peer hap 127\\.0\\.0\\.1:(\\d+)").matcher(config);
    assertThat(hap.find()).isTrue();
    peer = TestPeer.start("sy", ours,
        List.of(new PeerConfig("hap", new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(hap.group(1))))),
        OUR_EXPIRE, 1, new PeerTls(certificates.pem("sy"), certificates.ca()));
    entriesCrossBothWays();

    peer.close();
    Path strangers = Files.createDirectories(dir.resolve("strangers"));
    PeerCertificates other = PeerCertificates.create(strangers, "sy");
    peer = TestPeer.start("sy", ours,
        List.of(new PeerConfig("hap", new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(hap.group(1))))),
        OUR_EXPIRE, 1, new PeerTls(other.pem("sy"), other.ca()));
    UnixSocket.ask(socket, "set table bk key 127.0.0.31 data.server_id 1\n");
    Thread.sleep(2_000);
    assertThat(UnixSocket.ask(socket, "show peers\n")).as("a certificate of another CA, refused both ways")
        .doesNotContain("last_status=ESTA");
    assertThat(peer.table.entry(address("127.0.0.31"))).isEmpty();

    try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), ours.getPort())) {
      plain.setSoTimeout(5_000);
      plain.getOutputStream().write("HAProxyS 2.1\nsy\nhap 1 1\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      byte[] answer = plain.getInputStream().readNBytes(4);
      assertThat(new String(answer, java.nio.charset.StandardCharsets.ISO_8859_1))
          .as("a greeting in the clear gets no status, only the end of the session").doesNotContain("200");
    }
  }

  /** An entry set on HAProxy, one a client makes through it, and one of ours, each on the other side. */
  private void entriesCrossBothWays() throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> UnixSocket.ask(socket, "show peers\n").contains("last_status=ESTA"));
    long set = System.nanoTime();
    UnixSocket.ask(socket, "set table bk key 127.0.0.9 data.server_id 2\n");
    await().pollInterval(Duration.ofMillis(2)).atMost(ONE_SECOND).until(() -> peer.table.entry(address("127.0.0.9")).isPresent());
    System.out.printf("HAProxy to Steelyard: %d ms%n", millisSince(set));
    assertThat(peer.table.entry(address("127.0.0.9")).orElseThrow().serverId()).as("s2, by id").isEqualTo(1);

    try (Socket client = new Socket(InetAddress.getLoopbackAddress(), front.getPort())) {
      client.setSoTimeout(5_000);
      assertThat(client.getInputStream().readNBytes(6)).isEqualTo("hello\n".getBytes());
    }
    await().pollInterval(Duration.ofMillis(2)).atMost(ONE_SECOND).until(() -> peer.table.entry(address("127.0.0.1")).isPresent());
    assertThat(peer.table.entry(address("127.0.0.1")).orElseThrow().serverId()).as("s1, by name").isZero();

    long stored = System.nanoTime();
    peer.table.store(address("127.0.0.7"), 2).connectionClosed();
    await().pollInterval(Duration.ofMillis(2)).atMost(ONE_SECOND).until(() -> haproxyTable().contains("key=127.0.0.7 "));
    System.out.printf("Steelyard to HAProxy: %d ms%n", millisSince(stored));
    assertThat(haproxyTable()).containsPattern("key=127\\.0\\.0\\.7 .*server_id=3 server_key=s3");
  }

  private void startHaproxy() throws IOException {
    haproxy = new ProcessBuilder("haproxy", "-db", "-f",
        Files.writeString(dir.resolve("haproxy.cfg"), config).toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      if (!haproxy.isAlive()) {
        throw new IllegalStateException("HAProxy exited: " + Files.readString(dir.resolve("haproxy.log")));
      }
      return Files.exists(socket);
    });
  }

  private TestPeer startPeer(int maxMinorVersion) {
    Matcher hap = Pattern.compile("peer hap 127\\.0\\.0\\.1:(\\d+)").matcher(config);
    assertThat(hap.find()).isTrue();
    return TestPeer.start("sy", ours,
        List.of(new PeerConfig("hap", new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(hap.group(1))))),
        OUR_EXPIRE, maxMinorVersion);
  }

  private String haproxyTable() throws IOException {
    return UnixSocket.ask(socket, "show table bk\n");
  }

  private static InetAddress address(String ip) throws IOException {
    return InetAddress.getByName(ip);
  }

  private static long millisSince(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
  }
}
