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
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The announcer against a control socket that speaks BIRD 2's protocol (the greeting, the reply
 * codes of {@code enable} and {@code disable}, an error for an unknown protocol): it enables the
 * protocol while the balancer is healthy, disables it when a backend has no server left, enables
 * it again, and disables it when the balancer closes.
 */
class BirdAnnouncerTest {
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
        .attach(BirdAnnouncer.protocol(dir.resolve("bird.ctl"), protocol))
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
  void anUnknownProtocolOrNoBirdFailsTheStartNamingThem() throws IOException {
    assertThatThrownBy(() -> balancer("nosuch"))
        .isInstanceOf(StartException.class)
        .hasStackTraceContaining("'enable nosuch': syntax error, unexpected CF_SYM_UNDEFINED");
    bird.close();
    assertThatThrownBy(() -> balancer("vip"))
        .isInstanceOf(StartException.class)
        .hasStackTraceContaining("BIRD on " + dir.resolve("bird.ctl"));
    assertThatThrownBy(() -> BirdAnnouncer.protocol(dir, "not a symbol"))
        .hasMessage("BIRD protocol name 'not a symbol' is not a BIRD symbol");
  }

  @Test
  void theVipMustBeOnAnInterfaceOfTheHost() throws Exception {
    assertThatThrownBy(() -> Balancer.builder()
        .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
        .backend("bk", b -> b.server("s1", s1.hostPort()))
        .attach(BirdAnnouncer.protocol(dir.resolve("bird.ctl"), "vip")
            .forAddress(InetAddress.getByName("198.51.100.100")))
        .start())
        .isInstanceOf(StartException.class)
        .hasStackTraceContaining("198.51.100.100 is on no interface of this host");
    assertThat(bird.commands).as("nothing announced").isEmpty();
    Balancer balancer = Balancer.builder()
        .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
        .backend("bk", b -> b.server("s1", s1.hostPort()))
        .attach(BirdAnnouncer.protocol(dir.resolve("bird.ctl"), "vip")
            .forAddress(InetAddress.getLoopbackAddress()))
        .start();
    balancer.close();
    assertThat(bird.commands).containsExactly("enable vip", "disable vip");
  }
}
