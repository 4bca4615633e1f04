package io.steelyard.lb.peers;

import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steelyard.lb.schedule.Balance;
import io.steelyard.lb.Balancer;
import io.steelyard.lb.cli.Level;
import io.steelyard.lb.cli.StatsSocket;
import io.steelyard.lb.testing.LogWatch;
import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.TestClient;
import io.steelyard.lb.testing.UnixSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two balancers replicating a {@code stick on src} table through a {@code peers} section, built
 * with the builder, on loopback: a client's server reaches the other balancer, by name, and an
 * entry set on the stats socket, by id; {@code show peers} tells the session; and peers that are
 * not configured, or that send what the protocol does not have, are refused or dropped with the
 * protocol's error and one log line, while forwarding goes on.
 */
class ReplicationTest {
  @TempDir Path dir;
  private TestBackend s1;
  private TestBackend s2;
  private Balancer lb1;
  private Balancer lb2;
  private InetSocketAddress peer1;
  private InetSocketAddress peer2;
  private InetSocketAddress stranger;

  @BeforeEach
  void start() {
    s1 = TestBackend.greeting("s1");
    s2 = TestBackend.greeting("s2");
    peer1 = free();
    peer2 = free();
    stranger = free();
    lb1 = balancer("lb1");
    lb2 = balancer("lb2");
  }

  private static InetSocketAddress free() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), TestBackend.refusingAddress().getPort());
  }

  private Balancer balancer(String self) {
    return Balancer.builder()
        .drainTimeout(ofSeconds(1))
        .peers("mypeers", p -> {
          p.local(self, hostPort(self.equals("lb1") ? peer1 : peer2));
          p.peer(self.equals("lb1") ? "lb2" : "lb1", hostPort(self.equals("lb1") ? peer2 : peer1));
          p.peer("lb3", "127.0.0.1:" + stranger.getPort());
        })
        .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
        .backend("bk", b -> b.balance(Balance.leastConn())
            .stickTable(t -> t.size(1000).expire(ofMinutes(30)).peers("mypeers"))
            .stickOnSource()
            // Declared in another order on each side: the peers match servers by name.
            .server(self.equals("lb1") ? "s1" : "s2", (self.equals("lb1") ? s1 : s2).hostPort(),
                s -> s.id(self.equals("lb1") ? 1 : 2))
            .server(self.equals("lb1") ? "s2" : "s1", (self.equals("lb1") ? s2 : s1).hostPort(),
                s -> s.id(self.equals("lb1") ? 2 : 1)))
        .attach(StatsSocket.unix(dir.resolve(self + ".sock")).level(Level.ADMIN))
        .start();
  }

  private static String hostPort(InetSocketAddress address) {
    return "127.0.0.1:" + address.getPort();
  }

  @AfterEach
  void stop() {
    lb1.close();
    lb2.close();
    s1.close();
    s2.close();
  }

  private String ask(String lb, String command) throws IOException {
    return UnixSocket.ask(dir.resolve(lb + ".sock"), command + "\n");
  }

  @Test
  void aClientsServerAndAnEntrySetByHandReachTheOtherBalancer() throws Exception {
    assertThat(ask("lb2", "show peers"))
        .as("lb2 started once it learned lb1's tables, which had found no peer to learn from")
        .contains("resync=finished");
    await().atMost(ofSeconds(10)).until(() -> ask("lb1", "show peers").contains("id=lb2(remote,active)"));
    InetSocketAddress front1 = lb1.boundAddresses("ft").get(0);
    String first = TestClient.whoAnswers(front1, TestClient.loopback(7));
    await().atMost(ofSeconds(1)).until(() -> ask("lb2", "show table bk").contains("key=127.0.0.7 "));
    assertThat(ask("lb2", "show table bk"))
        .as("the same server by name, though its position differs")
        .containsPattern("key=127\\.0\\.0\\.7 use=0 exp=\\d+ server_id=\\d server_key=" + first);
    InetSocketAddress front2 = lb2.boundAddresses("ft").get(0);
    assertThat(TestClient.whoAnswers(front2, TestClient.loopback(7))).isEqualTo(first);

    assertThat(ask("lb2", "set table bk key 127.0.0.8 data.server_id 2")).isBlank();
    await().atMost(ofSeconds(1)).until(() -> ask("lb1", "show table bk").contains("key=127.0.0.8 "));
    assertThat(ask("lb1", "show table bk")).containsPattern("key=127\\.0\\.0\\.8 .*server_id=2 server_key=s2");
    assertThat(ask("lb2", "set table bk key 127.0.0.8 data.server_id 9"))
        .startsWith("No server with id 9 in backend 'bk'\n");
    assertThat(ask("lb2", "set table bk key 127.0.0.8 data.conn_cnt 9"))
        .startsWith("Data type not stored in this table\n");

    await().atMost(ofSeconds(7)).until(() -> ask("lb1", "show peers").contains("resync=finished"));
    String peers = ask("lb1", "show peers");
    assertThat(peers)
        .containsPattern("id=lb2\\(remote,active\\) addr=127\\.0\\.0\\.1:" + peer2.getPort() + " last_status=ESTA last_hdshk=\\d+s")
        .containsPattern("id=lb3\\(remote,inactive\\) addr=127\\.0\\.0\\.1:" + stranger.getPort() + " last_status=(NONE|CONN)")
        .containsPattern("id=lb1\\(local,inactive\\)")
        .containsPattern("local_id=1 remote_id=1 remote_data=0x80001")
        .containsPattern("table:0x[0-9a-f]+ id=bk update=");
    assertThat(ask("lb1", "show peers nope")).startsWith("No such peers\n");
  }

  @Test
  void strangersAndGarbageAreRefusedWithoutHarmToForwarding() throws Exception {
    InetSocketAddress front1 = lb1.boundAddresses("ft").get(0);
    try (LogWatch log = new LogWatch(
        line -> line.contains("peers 'mypeers'") && (line.contains("refused") || line.contains("could not be read")),
        line -> false)) {
      assertThat(greet(peer1, "HAProxyS 2.1\nlb1\nlb9 1 1\n", null)).as("an unknown peer").isEqualTo("504\n");
      assertThat(greet(peer1, "HAProxyS 2.1\nlb7\nlb3 1 1\n", null)).as("not our name").isEqualTo("503\n");
      assertThat(greet(peer1, "HAProxyS 3.0\nlb1\nlb3 1 1\n", null)).as("another version").isEqualTo("502\n");
      assertThat(greet(peer1, "GET / HTTP/1.0\r\n\r\n\n", null)).as("not the protocol").isEqualTo("501\n");
      assertThat(greet(peer1, "HAProxyS 2.1\nlb1\nlb3 1 1\n", TestClient.loopback(3)))
          .as("a configured name from another address").isEqualTo("504\n");

      try (Socket garbage = session("lb3")) {
        garbage.getOutputStream().write(HexFormat.of().parseHex("07000000"));
        assertThat(HexFormat.of().formatHex(garbage.getInputStream().readAllBytes()))
            .as("the protocol error, then the close").endsWith("0100");
      }
      try (Socket tooLarge = session("lb3")) {
        tooLarge.getOutputStream().write(HexFormat.of().parseHex("0a80f0ffff03"));
        assertThat(HexFormat.of().formatHex(tooLarge.getInputStream().readAllBytes()))
            .as("the size error, then the close").endsWith("0101");
      }
      assertThat(TestClient.whoAnswers(front1, TestClient.loopback(9))).isIn("s1", "s2");
      await().until(() -> log.noted().size() >= 7);
      assertThat(log.noted()).as("one line each").hasSize(7);
    }
  }

  @Test
  void messagesThatCameWithTheGreetingAreReadAtOnce() throws Exception {
    try (Socket socket = TestClient.connect(peer1, InetAddress.getLoopbackAddress())) {
      socket.setSoTimeout(1_500);
      byte[] greeting = "HAProxyS 2.1\nlb1\nlb3 1 1\n".getBytes(StandardCharsets.ISO_8859_1);
      byte[] resyncRequest = PeerFrame.of(PeerFrame.CONTROL, PeerFrame.RESYNC_REQUEST).encode();
      byte[] both = new byte[greeting.length + resyncRequest.length];
      System.arraycopy(greeting, 0, both, 0, greeting.length);
      System.arraycopy(resyncRequest, 0, both, greeting.length, resyncRequest.length);
      socket.getOutputStream().write(both);
      InputStream in = socket.getInputStream();
      assertThat(new String(in.readNBytes(4), StandardCharsets.ISO_8859_1)).isEqualTo("200\n");
      byte[] answer = new byte[0];
      PeerFrame last = null;
      while (last == null || last.messageClass() != PeerFrame.CONTROL
          || last.type() != PeerFrame.RESYNC_FINISHED && last.type() != PeerFrame.RESYNC_PARTIAL) {
        PeerFrame.Decoding decoding = PeerFrame.decode(answer, 0, answer.length);
        if (decoding instanceof PeerFrame.Decoded decoded) {
          last = decoded.frame();
          answer = java.util.Arrays.copyOfRange(answer, decoded.length(), answer.length);
          continue;
        }
        int b = in.read();
        assertThat(b).as("the answer to the resync request, before the session ends").isNotNegative();
        answer = java.util.Arrays.copyOf(answer, answer.length + 1);
        answer[answer.length - 1] = (byte) b;
      }
    }
  }

  @Test
  void anIdleSessionGetsHeartbeatsAndASilentPeerIsDroppedAfterFiveSeconds() throws Exception {
    await().atMost(ofSeconds(7)).until(() -> ask("lb1", "show peers").contains("resync=finished"));
    try (Socket socket = session("lb3")) {
      socket.setSoTimeout(8_000);
      long opened = System.nanoTime();
      byte[] all = socket.getInputStream().readAllBytes();
      long closedAfter = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened);
      assertThat(HexFormat.of().formatHex(all)).as("one heartbeat after 3 s of silence").isEqualTo("0004");
      assertThat(closedAfter).as("closed once nothing came for 5 s").isBetween(4_500L, 7_000L);
    }
  }

  /** A session opened as {@code name} from 127.0.0.1, past the 200 of its greeting. */
  private Socket session(String name) throws IOException {
    Socket socket = TestClient.connect(peer1, InetAddress.getLoopbackAddress());
    socket.setSoTimeout(5_000);
    socket.getOutputStream().write(("HAProxyS 2.1\nlb1\n" + name + " 1 1\n").getBytes(StandardCharsets.ISO_8859_1));
    assertThat(new String(socket.getInputStream().readNBytes(4), StandardCharsets.ISO_8859_1)).isEqualTo("200\n");
    return socket;
  }

  /** What the peer port answers to {@code greeting} before it closes. */
  private static String greet(InetSocketAddress to, String greeting, InetAddress from) throws IOException {
    try (Socket socket = from == null ? TestClient.connect(to) : TestClient.connect(to, from)) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(greeting.getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
