package io.steelyard.lb.announce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.steelyard.lb.Balancer;
import io.steelyard.lb.StartException;
import io.steelyard.lb.health.AdminState;
import io.steelyard.lb.testing.TestBackend;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The announcer against a control socket that speaks BIRD 2's protocol (the greeting, the reply
 * codes of {@code enable} and {@code disable}, an error for an unknown protocol), and against
 * command pipes answered as ExaBGP 4 answers them ({@code done}, {@code error}): the route is
 * announced while the balancer is healthy, withdrawn when a backend has no server left, announced
 * again, and withdrawn when the balancer closes. A daemon that does not answer, or refuses, fails
 * the start naming it; an ExaBGP that does not run finds no command waiting when it starts.
 */
class RouteAnnouncerTest {
  @TempDir Path dir;
  private FakeBird bird;
  private TestBackend s1;

  /** One client at a time, as birdc; every command line is kept. */
  private static final class FakeBird implements AutoCloseable {
    final List<String> commands = new CopyOnWriteArrayList<>();
    final ServerSocketChannel server;
    final Thread thread;

    FakeBird(Path path) throws IOException {
      server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(path));
      thread = new Thread(this::serve, "fake-bird");
      thread.setDaemon(true);
      thread.start();
    }

    private void serve() {
      while (server.isOpen()) {
        try (SocketChannel client = server.accept()) {
          OutputStream out = Channels.newOutputStream(client);
          BufferedReader in = new BufferedReader(
              new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
          out.write("0001 BIRD 2.0.12 ready.\n".getBytes(StandardCharsets.UTF_8));
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            commands.add(line);
            String[] words = line.split(" ");
            String reply = !words[1].equals("vip") ? "9001 syntax error, unexpected CF_SYM_UNDEFINED\n"
                : words[0].equals("enable") ? "0011-vip: enabled\n0011 \n" : "0009 vip: disabled\n";
            out.write(reply.getBytes(StandardCharsets.UTF_8));
          }
        } catch (IOException e) {
          return;
        }
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  @BeforeEach
  void start() throws IOException {
    bird = new FakeBird(dir.resolve("bird.ctl"));
    s1 = TestBackend.greeting("s1");
  }

  @AfterEach
  void stop() throws IOException {
    bird.close();
    s1.close();
  }

  private Balancer balancer(String protocol) {
    return Balancer.builder()
        .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
        .backend("bk", b -> b.server("s1", s1.hostPort()))
        .attach(RouteAnnouncer.bird(dir.resolve("bird.ctl"), protocol))
        .start();
  }

  @Test
  void theRouteFollowsTheBalancersHealthAndIsWithdrawnAtClose() {
    Balancer balancer = balancer("vip");
    try {
      assertThat(bird.commands).containsExactly("enable vip");
      balancer.admin().setState("bk", "s1", AdminState.MAINT);
      await().until(() -> bird.commands.size() == 2);
      balancer.admin().setState("bk", "s1", AdminState.READY);
      await().until(() -> bird.commands.size() == 3);
      assertThat(bird.commands).containsExactly("enable vip", "disable vip", "enable vip");
    } finally {
      balancer.close();
    }
    assertThat(bird.commands).last().isEqualTo("disable vip");
  }

  @Test
  void theDaemonIsToldAgainWhatItWasToldLastSoThatARestartedOneLearnsIt() {
    Balancer balancer = Balancer.builder()
        .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
        .backend("bk", b -> b.server("s1", s1.hostPort()))
        .attach(RouteAnnouncer.bird(dir.resolve("bird.ctl"), "vip").repeatEvery(Duration.ofMillis(100)))
        .start();
    try {
      await().until(() -> bird.commands.size() >= 3);
      balancer.admin().setState("bk", "s1", AdminState.MAINT);
      await().until(() -> bird.commands.subList(bird.commands.indexOf("disable vip"),
          bird.commands.size()).size() >= 3);
      int disabled = bird.commands.indexOf("disable vip");
      assertThat(bird.commands.subList(0, disabled)).containsOnly("enable vip");
      assertThat(bird.commands.subList(disabled, bird.commands.size())).containsOnly("disable vip");
    } finally {
      balancer.close();
    }
    assertThatThrownBy(() -> RouteAnnouncer.bird(dir, "vip").repeatEvery(Duration.ZERO))
        .hasMessage("repeat interval must be positive: PT0S");
  }

  @Test
  void anUnknownProtocolOrNoBirdFailsTheStartNamingThem() throws IOException {
    assertThatThrownBy(() -> balancer("nosuch"))
        .isInstanceOf(StartException.class)
        .hasStackTraceContaining("'enable nosuch': syntax error, unexpected CF_SYM_UNDEFINED");
    bird.close();
    assertThatThrownBy(() -> balancer("vip"))
        .isInstanceOf(StartException.class)
        .hasStackTraceContaining("BIRD on " + dir.resolve("bird.ctl"));
    assertThatThrownBy(() -> RouteAnnouncer.bird(dir, "not a symbol"))
        .hasMessage("BIRD protocol name 'not a symbol' is not a BIRD symbol");
  }

  @Test
  void theVipMustBeOnAnInterfaceOfTheHost() throws Exception {
    assertThatThrownBy(() -> Balancer.builder()
        .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
        .backend("bk", b -> b.server("s1", s1.hostPort()))
        .attach(RouteAnnouncer.bird(dir.resolve("bird.ctl"), "vip")
            .forAddress(InetAddress.getByName("198.51.100.100")))
        .start())
        .isInstanceOf(StartException.class)
        .hasStackTraceContaining("198.51.100.100 is on no interface of this host");
    assertThat(bird.commands).as("nothing announced").isEmpty();
    Balancer balancer = Balancer.builder()
        .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
        .backend("bk", b -> b.server("s1", s1.hostPort()))
        .attach(RouteAnnouncer.bird(dir.resolve("bird.ctl"), "vip")
            .forAddress(InetAddress.getLoopbackAddress()))
        .start();
    balancer.close();
    assertThat(bird.commands).containsExactly("enable vip", "disable vip");
  }

  /** Answers each command on exabgp.in with "done" on exabgp.out, or "error" for a refused one. */
  private static final class FakeExaBgp implements AutoCloseable {
    final List<String> commands = new CopyOnWriteArrayList<>();
    final FileChannel in;
    final FileChannel out;

    FakeExaBgp(Path pipes, String refused) throws IOException {
      in = FileChannel.open(pipes.resolve("exabgp.in"), StandardOpenOption.READ, StandardOpenOption.WRITE);
      out = FileChannel.open(pipes.resolve("exabgp.out"), StandardOpenOption.READ, StandardOpenOption.WRITE);
      Thread thread = new Thread(() -> {
        // bytes as they come: a Reader on a FileChannel waits to fill its buffer
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        StringBuilder pending = new StringBuilder();
        try {
          while (in.read(buffer) >= 0) {
            pending.append(new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII));
            buffer.clear();
            for (int end = pending.indexOf("\n"); end >= 0; end = pending.indexOf("\n")) {
              String line = pending.substring(0, end);
              pending.delete(0, end + 1);
              commands.add(line);
              String answer = line.contains(refused) ? "error\n" : "done\n";
              out.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.US_ASCII)));
            }
          }
        } catch (IOException closed) {
          // the test is over
        }
      }, "fake-exabgp");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() throws IOException {
      in.close();
      out.close();
    }
  }

  private Path exabgpPipes() throws Exception {
    Path pipes = Files.createDirectory(dir.resolve("exabgp"));
    Process mkfifo = new ProcessBuilder("mkfifo", "-m", "600", pipes.resolve("exabgp.in").toString(),
        pipes.resolve("exabgp.out").toString()).inheritIO().start();
    assertThat(mkfifo.waitFor()).isZero();
    return pipes;
  }

  private Balancer exabgpBalancer(Path pipes) {
    return Balancer.builder()
        .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
        .backend("bk", b -> b.server("s1", s1.hostPort()))
        .attach(RouteAnnouncer.exabgp(pipes, InetAddress.getLoopbackAddress()))
        .start();
  }

  @Test
  void exabgpAnnouncesTheRouteWhileTheBalancerIsHealthyAndWithdrawsItAtClose() throws Exception {
    Path pipes = exabgpPipes();
    try (FakeExaBgp exabgp = new FakeExaBgp(pipes, "nothing refused")) {
      Balancer balancer = exabgpBalancer(pipes);
      try {
        balancer.admin().setState("bk", "s1", AdminState.MAINT);
        await().until(() -> exabgp.commands.size() == 2);
        balancer.admin().setState("bk", "s1", AdminState.READY);
        await().until(() -> exabgp.commands.size() == 3);
      } finally {
        balancer.close();
      }
      String announce = "announce route 127.0.0.1/32 next-hop self";
      String withdraw = "withdraw route 127.0.0.1/32 next-hop self";
      assertThat(exabgp.commands).containsExactly(announce, withdraw, announce, withdraw);
    }
  }

  @Test
  void announcersOfOneJvmShareThePipesAndEachGetsItsOwnAnswer() throws Exception {
    Path pipes = exabgpPipes();
    String announce = "announce route 127.0.0.1/32 next-hop self";
    String withdraw = "withdraw route 127.0.0.1/32 next-hop self";
    try (FakeExaBgp exabgp = new FakeExaBgp(pipes, "nothing refused")) {
      Balancer balancer = Balancer.builder()
          .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
          .backend("bk", b -> b.server("s1", s1.hostPort()))
          .attach(RouteAnnouncer.exabgp(pipes, InetAddress.getLoopbackAddress())
              .repeatEvery(Duration.ofMillis(20)))
          .attach(RouteAnnouncer.exabgp(pipes, InetAddress.getLoopbackAddress())
              .repeatEvery(Duration.ofMillis(30)))
          .start();
      try {
        await().until(() -> exabgp.commands.size() >= 20);
      } finally {
        balancer.close();
      }
      // the second closes first; the first may repeat its announcement until it closes too
      assertThat(exabgp.commands).containsOnly(announce, withdraw).last().isEqualTo(withdraw);
      assertThat(exabgp.commands.indexOf(withdraw)).isGreaterThanOrEqualTo(20);
      assertThat(Collections.frequency(exabgp.commands, withdraw)).isBetween(2, 3);
    }
  }

  @Test
  void anExabgpThatRefusesOrDoesNotRunFailsTheStartAndKeepsNoCommandWaiting() throws Exception {
    assertThatThrownBy(() -> exabgpBalancer(dir))
        .isInstanceOf(StartException.class)
        .hasStackTraceContaining("no ExaBGP command pipe " + dir.resolve("exabgp.in"));
    Path pipes = exabgpPipes();
    try (FakeExaBgp refusing = new FakeExaBgp(pipes, "announce")) {
      assertThatThrownBy(() -> exabgpBalancer(pipes))
          .isInstanceOf(StartException.class)
          .hasStackTraceContaining("ExaBGP refused 'announce route 127.0.0.1/32 next-hop self'");
    }
    assertThatThrownBy(() -> exabgpBalancer(pipes))
        .isInstanceOf(StartException.class)
        .hasStackTraceContaining("ExaBGP did not answer 'announce route 127.0.0.1/32 next-hop self'"
            + " within 5 s on " + pipes.resolve("exabgp.in"));
    try (FakeExaBgp late = new FakeExaBgp(pipes, "nothing refused")) {
      Balancer balancer = exabgpBalancer(pipes);
      balancer.close();
      assertThat(late.commands).as("what the balancer that failed to start sent is gone")
          .containsExactly("announce route 127.0.0.1/32 next-hop self",
              "withdraw route 127.0.0.1/32 next-hop self");
    }
  }
}
