package io.steelyard.lb.health;

import static io.steelyard.lb.testing.ScriptedServer.pause;
import static io.steelyard.lb.testing.ScriptedServer.read;
import static io.steelyard.lb.testing.ScriptedServer.write;
import static io.steelyard.lb.testing.ScriptedServer.writeHex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.steelyard.lb.testing.ScriptedServer;
import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.TestCertificate;
import io.steelyard.lb.transport.Transport;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A check's steps against scripted loopback servers, on the default transport. The expected
 * statuses, codes and messages are HAProxy 2.6.12's on the same exchanges, as it logged them
 * against the same scripts (its {@code show stat} {@code check_status}, {@code check_code} and
 * {@code last_chk}).
 */
class CheckRunTest {
  private static final Duration CONNECT = Duration.ofSeconds(2);
  private static MultiThreadIoEventLoopGroup group;
  private static Bootstrap bootstrap;

  @BeforeAll
  static void startLoop() {
    Transport transport = Transport.auto();
    group = new MultiThreadIoEventLoopGroup(1, transport.newIoHandlerFactory());
    bootstrap = new Bootstrap().group(group).channel(transport.channelType());
  }

  @AfterAll
  static void stopLoop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  static CheckOutcome run(Check check, InetSocketAddress server) throws Exception {
    return run(check, server, null);
  }

  static CheckOutcome run(Check check, InetSocketAddress server, Duration checkTimeout)
      throws Exception {
    return run(check, null, server, checkTimeout);
  }

  static CheckOutcome run(Check check, CheckTls tls, InetSocketAddress server, Duration checkTimeout)
      throws Exception {
    return run(check, tls, false, CONNECT, server, checkTimeout);
  }

  /** One run of {@code check} with these settings, on the test's event loop. */
  static CheckOutcome run(Check check, CheckTls tls, boolean sendProxy, Duration connectTimeout,
      InetSocketAddress server, Duration checkTimeout) throws Exception {
    EventLoop loop = group.next();
    CheckRun run =
        new CheckRun(loop, bootstrap, server, check, tls, sendProxy, connectTimeout, checkTimeout);
    CompletableFuture<CheckOutcome> outcome = new CompletableFuture<>();
    loop.execute(() -> run.start(outcome::complete));
    return outcome.get(10, TimeUnit.SECONDS);
  }

  private static CheckOutcome outcome(CheckStatus status, int code, String info) {
    return new CheckOutcome(status, code, info);
  }

  private static final Check PING_PONG =
      Check.tcp().send("PING\r\n").expect(CheckExpect.string("+PONG"));

  @Nested
  class TcpCheckRules {
    @Test
    void aMatchPassesWithTheRuleSetsWords() throws Exception {
      try (ScriptedServer server = ScriptedServer.thenClose(read(6), write("+PONG\r\n"))) {
        assertThat(run(PING_PONG, server.address()))
            .isEqualTo(outcome(CheckStatus.L7OK, 0, "(tcp-check)"));
        await().until(() -> server.received().size() == 1);
        assertThat(new String(server.received().get(0))).isEqualTo("PING\r\n");
      }
    }

    @Test
    void aWrongAnswerFailsAtItsStepOnceTheServerCloses() throws Exception {
      try (ScriptedServer server =
          ScriptedServer.thenClose(read(6), write("-NOPE\r\n"), pause(50))) {
        long start = System.nanoTime();
        assertThat(run(PING_PONG, server.address())).isEqualTo(
            outcome(CheckStatus.L7RSP, 0, "TCPCHK did not match content '+PONG' at step 2"));
        assertThat(System.nanoTime() - start).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(45));
      }
    }

    @Test
    void aCommentLineTakesAStepNumberAndGoesToTheStepsOfItsKind() throws Exception {
      Check check = Check.tcp().comment("c1").send("PING\r\n").send("x")
          .expect(CheckExpect.string("+PONG"));
      try (ScriptedServer server = ScriptedServer.thenClose(read(7), write("-NOPE\r\n"))) {
        assertThat(run(check, server.address())).isEqualTo(
            outcome(CheckStatus.L7RSP, 0, "TCPCHK did not match content '+PONG' at step 4"));
      }
      Check own = Check.tcp().send("PING\r\n")
          .expect(CheckExpect.string("+PONG").comment("want pong"));
      try (ScriptedServer server = ScriptedServer.thenClose(read(6), write("-NOPE\r\n"))) {
        assertThat(run(own, server.address())).isEqualTo(outcome(CheckStatus.L7RSP, 0,
            "TCPCHK did not match content '+PONG' at step 2 comment: want pong"));
      }
    }

    @Test
    void aNegatedMatchFailsOnTheUnwantedContent() throws Exception {
      Check check = Check.tcp().send("x").expect(CheckExpect.string("b").negated());
      try (ScriptedServer server = ScriptedServer.thenClose(read(1), write("abc"))) {
        assertThat(run(check, server.address())).isEqualTo(
            outcome(CheckStatus.L7RSP, 0, "TCPCHK matched unwanted content 'b' at step 2"));
      }
      try (ScriptedServer server = ScriptedServer.thenClose(read(1), write("xyz"))) {
        assertThat(run(check, server.address()))
            .isEqualTo(outcome(CheckStatus.L7OK, 0, "(tcp-check)"));
      }
    }

    @Test
    void regularExpressionsSayWhichKindFailed() throws Exception {
      try (ScriptedServer server = ScriptedServer.thenClose(read(1), write("+PONG\r\n"))) {
        assertThat(run(Check.tcp().send("x").expect(CheckExpect.rbinary("^2D")), server.address()))
            .isEqualTo(outcome(CheckStatus.L7RSP, 0,
                "TCPCHK did not match content (binary regex) at step 2"));
        assertThat(run(Check.tcp().send("x").expect(CheckExpect.rstring("^-")), server.address()))
            .isEqualTo(outcome(CheckStatus.L7RSP, 0, "TCPCHK did not match content (regex) at step 2"));
        assertThat(run(Check.tcp().send("x").expect(CheckExpect.rbinary("^2B50")), server.address()))
            .isEqualTo(outcome(CheckStatus.L7OK, 0, "(tcp-check)"));
        assertThat(run(Check.tcp().send("x").expect(CheckExpect.binary("4f4e47")), server.address()))
            .isEqualTo(outcome(CheckStatus.L7OK, 0, "(tcp-check)"));
      }
    }

    @Test
    void anAnswerInPiecesIsJudgedWhole() throws Exception {
      try (ScriptedServer server =
          ScriptedServer.thenHold(read(6), write("+PO"), pause(300), write("NG\r\n"))) {
        assertThat(run(PING_PONG, server.address()))
            .isEqualTo(outcome(CheckStatus.L7OK, 0, "(tcp-check)"));
      }
    }

    @Test
    void onErrorStatusCodeAndErrorStatusWordTheFailure() throws Exception {
      Check check = Check.tcp().send("PING\r\n").expect(CheckExpect.string("+PONG")
          .errorStatus(CheckStatus.L7STS).statusCode("int(7)")
          .onError("bad reply: %[res.payload(0,0),cut_crlf]"));
      try (ScriptedServer server = ScriptedServer.thenClose(read(6), write("-NOPE\r\n"))) {
        assertThat(run(check, server.address()))
            .isEqualTo(outcome(CheckStatus.L7STS, 7, "bad reply: -NOPE"));
      }
    }

    @Test
    void anEmptyAnswerIsSaidSoAtItsStep() throws Exception {
      Check check = Check.tcp().send("PING\r\n").expect(CheckExpect.string("+PONG").comment("cmt"));
      try (ScriptedServer server = ScriptedServer.thenClose(read(6))) {
        assertThat(run(check, server.address())).isEqualTo(outcome(CheckStatus.L7RSP, 0,
            "TCPCHK got an empty response at step 2 comment: 'cmt'"));
      }
    }

    @Test
    void aFullBufferIsJudgedAtOnceWithoutWaitingForTheClose() throws Exception {
      Check check = Check.tcp().send("x").expect(CheckExpect.string("zzz"));
      try (ScriptedServer server = ScriptedServer.thenHold(read(1), write("a".repeat(20_000)))) {
        long start = System.nanoTime();
        assertThat(run(check, server.address())).isEqualTo(
            outcome(CheckStatus.L7RSP, 0, "TCPCHK did not match content 'zzz' at step 2"));
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(2));
      }
    }

    @Test
    void minRecvJudgesWhatCameWithoutWaitingForAMatch() throws Exception {
      try (ScriptedServer server = ScriptedServer.thenHold(read(1), write("xyz"))) {
        assertThat(run(Check.tcp().send("x").expect(CheckExpect.string("zzz").minRecv(0)),
            server.address()))
            .isEqualTo(outcome(CheckStatus.L7RSP, 0, "TCPCHK did not match content 'zzz' at step 2"));
        assertThat(run(Check.tcp().send("x").expect(CheckExpect.string("b").negated().minRecv(1)),
            server.address()))
            .isEqualTo(outcome(CheckStatus.L7OK, 0, "(tcp-check)"));
      }
    }

    @Test
    void aSilentServerTimesOutAtTheWaitingStepWithItsTimeoutStatus() throws Exception {
      try (ScriptedServer server = ScriptedServer.thenHold(read(6))) {
        assertThat(run(PING_PONG, server.address(), Duration.ofMillis(300))).isEqualTo(
            outcome(CheckStatus.L7TOUT, 0, " at step 2 of tcp-check (expect string '+PONG')"));
        Check l6 = Check.tcp().send("PING\r\n")
            .expect(CheckExpect.string("+PONG").timeoutStatus(CheckStatus.L6TOUT));
        assertThat(run(l6, server.address(), Duration.ofMillis(300))).isEqualTo(
            outcome(CheckStatus.L6TOUT, 0, " at step 2 of tcp-check (expect string '+PONG')"));
      }
    }

    @Test
    void aRefusedConnectionSaysWhichConnectionStep() throws Exception {
      InetSocketAddress closed = TestBackend.refusingAddress();
      assertThat(run(Check.tcp(), closed)).isEqualTo(outcome(CheckStatus.L4CON, 0,
          "Connection refused at initial connection step of tcp-check"));
      Check explicit = Check.tcp().connect(CheckConnect.SERVER.port(closed.getPort()).comment("cx"));
      assertThat(run(explicit, new InetSocketAddress(closed.getAddress(), 1))).isEqualTo(
          outcome(CheckStatus.L4CON, 0, "Connection refused at step 1 of tcp-check (connect port "
              + closed.getPort() + ") comment: 'cx'"));
      assertThat(run(Check.connect(), closed))
          .isEqualTo(outcome(CheckStatus.L4CON, 0, "Connection refused"));
      assertThat(run(Check.redis(), closed))
          .isEqualTo(outcome(CheckStatus.L4CON, 0, "Connection refused"));
    }

    @Test
    void aProxyLineGoesFirstWhereAConnectionAsksForIt() throws Exception {
      Check check = Check.tcp().connect(CheckConnect.BARE.proxyHeader()).send("PING\r\n");
      try (ScriptedServer server = ScriptedServer.thenHold()) {
        assertThat(run(check, server.address())).isEqualTo(outcome(CheckStatus.L7OK, 0, "(tcp-check)"));
        await().until(() -> server.received().size() == 1);
        assertThat(new String(server.received().get(0), java.nio.charset.StandardCharsets.US_ASCII))
            .matches("PROXY TCP4 127\\.0\\.0\\.1 127\\.0\\.0\\.1 \\d+ " + server.address().getPort()
                + "\r\nPING\r\n");
      }
    }

    @Test
    void checkSendProxyTakesTheConnectionsThatTakeTheServersSettings() throws Exception {
      try (ScriptedServer server = ScriptedServer.thenHold()) {
        for (Check check : List.of(Check.connect(), Check.tcp().connect(CheckConnect.BARE))) {
          run(check, null, true, CONNECT, server.address(), null);
        }
        await().until(() -> server.received().size() == 2);
        assertThat(new String(server.received().get(0), java.nio.charset.StandardCharsets.US_ASCII))
            .startsWith("PROXY TCP4 127.0.0.1 127.0.0.1 ");
        assertThat(server.received().get(1)).isEmpty();
      }
    }

    @Test
    void aConnectionThatPassesSaysSoOnlyWhenItIsAStepOfItsOwn() throws Exception {
      try (ScriptedServer server = ScriptedServer.thenHold()) {
        assertThat(run(Check.connect(), server.address()))
            .isEqualTo(outcome(CheckStatus.L4OK, 0, ""));
        assertThat(run(Check.tcp(), server.address())).isEqualTo(outcome(CheckStatus.L4OK, 0, ""));
        assertThat(run(Check.tcp().connect(CheckConnect.SERVER), server.address()))
            .isEqualTo(outcome(CheckStatus.L4OK, 0, "(tcp-check)"));
        assertThat(run(Check.tcp().send("x"), server.address()))
            .isEqualTo(outcome(CheckStatus.L7OK, 0, "(tcp-check)"));
      }
    }
  }

  @Nested
  class ReadyMade {
    @Test
    void redisSendsPingAndQuotesAWrongAnswer() throws Exception {
      try (ScriptedServer server = ScriptedServer.thenClose(read(14), write("+PONG\r\n"))) {
        assertThat(run(Check.redis(), server.address()))
            .isEqualTo(outcome(CheckStatus.L7OK, 0, "Redis server is ok"));
        await().until(() -> server.received().size() == 1);
        assertThat(new String(server.received().get(0))).isEqualTo("*1\r\n$4\r\nPING\r\n");
      }
      try (ScriptedServer server =
          ScriptedServer.thenClose(read(14), write("-ERR unknown command\r\n"))) {
        assertThat(run(Check.redis(), server.address()))
            .isEqualTo(outcome(CheckStatus.L7STS, 0, "-ERR unknown command"));
      }
      try (ScriptedServer server = ScriptedServer.thenClose(read(14))) {
        assertThat(run(Check.redis(), server.address()))
            .isEqualTo(outcome(CheckStatus.L7STS, 0, "TCPCHK got an empty response at step 2"));
      }
    }

    @Test
    void redisTimesOutWithoutWords() throws Exception {
      try (ScriptedServer server = ScriptedServer.thenHold(read(14), write("-NOPE\r\n"))) {
        assertThat(run(Check.redis(), server.address(), Duration.ofMillis(300)))
            .isEqualTo(outcome(CheckStatus.L7TOUT, 0, ""));
      }
    }

    /** HAProxy 2.6.12's login of user {@code bob}, as captured from it. */
    private static final String MYSQL_BOB_LOGIN =
        "25000001" + "00820000" + "00800001" + "21" + "00".repeat(23) + "626f6200" + "00" + "0100000001";

    private static String packet(int sequence, String payloadHex) {
      int length = payloadHex.length() / 2;
      return String.format("%02x%02x%02x%02x", length & 0xFF, length >> 8 & 0xFF, length >> 16, sequence)
          + payloadHex;
    }

    @Test
    void mysqlLogsInWithHaproxysBytesAndQuotesTheServersError() throws Exception {
      String greeting = packet(0, "0a" + "31302e31312e36" + "00" + "01000000");
      String ok = packet(2, "00000002000000");
      try (ScriptedServer server =
          ScriptedServer.thenClose(writeHex(greeting), read(46), writeHex(ok))) {
        assertThat(run(Check.mysql("bob"), server.address()))
            .isEqualTo(outcome(CheckStatus.L7OK, 0, ""));
        await().until(() -> server.received().size() == 1);
        assertThat(HexFormat.of().formatHex(server.received().get(0))).isEqualTo(MYSQL_BOB_LOGIN);
      }
      String denied = packet(2, "ff1504" + HexFormat.of().formatHex(
          "#28000Access denied for user 'bob'".getBytes()));
      try (ScriptedServer server =
          ScriptedServer.thenClose(writeHex(greeting), read(46), writeHex(denied))) {
        assertThat(run(Check.mysql("bob"), server.address()))
            .isEqualTo(outcome(CheckStatus.L7STS, 1045, "#28000Access denied for user 'bob'"));
      }
      assertThat(HexFormat.of().formatHex(((CheckSend) Check.mysql("bob", false).rules().get(1)).data()))
          .isEqualTo("0a0000010080000001626f6200000100000001");
    }

    @Test
    void mysqlWithoutAUserReadsTheGreetingOnly() throws Exception {
      try (ScriptedServer server = ScriptedServer.thenClose(writeHex(packet(0, "0a3500"))))  {
        assertThat(run(Check.mysql(), server.address())).isEqualTo(outcome(CheckStatus.L7OK, 0, ""));
      }
      try (ScriptedServer server = ScriptedServer.thenClose(writeHex("0a0000"))) {
        assertThat(run(Check.mysql(), server.address())).isEqualTo(outcome(CheckStatus.L7RSP, 0, ""));
      }
    }

    @Test
    void pgsqlStartsASessionAndTakesAnyAuthenticationRequest() throws Exception {
      String md5 = "520000000c00000005" + "01020304";
      try (ScriptedServer server = ScriptedServer.thenClose(read(18), writeHex(md5))) {
        assertThat(run(Check.pgsql("bob"), server.address()))
            .isEqualTo(outcome(CheckStatus.L7OK, 0, "PostgreSQL server is ok"));
        await().until(() -> server.received().size() == 1);
        assertThat(HexFormat.of().formatHex(server.received().get(0)))
            .isEqualTo("00000012000300007573657200626f620000");
      }
      String fatal = "45" + "0000001f" + "53" + HexFormat.of().formatHex("FATAL\0".getBytes())
          + "43" + HexFormat.of().formatHex("28000\0".getBytes()) + "00";
      try (ScriptedServer server = ScriptedServer.thenClose(read(18), writeHex(fatal))) {
        assertThat(run(Check.pgsql("bob"), server.address()))
            .isEqualTo(outcome(CheckStatus.L7RSP, 0, "FATAL"));
      }
      try (ScriptedServer server = ScriptedServer.thenClose(read(18), write("HTTP/1.0 400 Bad\r\n"))) {
        assertThat(run(Check.pgsql("bob"), server.address()))
            .isEqualTo(outcome(CheckStatus.L7STS, 0, "PostgreSQL unknown error"));
      }
    }

    @Test
    void smtpGreetsQuitsAndQuotesTheLastReply() throws Exception {
      try (ScriptedServer server = ScriptedServer.thenClose(write("220 mx ESMTP\r\n"),
          read(16), write("250 mx\r\n"), read(6), write("221 bye\r\n"))) {
        assertThat(run(Check.smtp(), server.address()))
            .isEqualTo(outcome(CheckStatus.L7OK, 221, "bye"));
        await().until(() -> server.received().size() == 1);
        assertThat(new String(server.received().get(0))).isEqualTo("HELO localhost\r\nQUIT\r\n");
      }
      try (ScriptedServer server = ScriptedServer.thenClose(write("554 go away\r\n"))) {
        assertThat(run(Check.smtp(), server.address()))
            .isEqualTo(outcome(CheckStatus.L7STS, 554, "go away"));
      }
      try (ScriptedServer server = ScriptedServer.thenClose(write("220-multi line\r\n"))) {
        assertThat(run(Check.smtp(), server.address()))
            .isEqualTo(outcome(CheckStatus.L7RSP, 0, "220-multi line"));
      }
    }

    @Test
    void ldapBindsAnonymouslyAndReportsTheResultCode() throws Exception {
      String success = "300c02010161070a010004000400";
      try (ScriptedServer server = ScriptedServer.thenClose(read(14), writeHex(success))) {
        assertThat(run(Check.ldap(), server.address())).isEqualTo(outcome(CheckStatus.L7OK, 0, ""));
        await().until(() -> server.received().size() == 1);
        assertThat(HexFormat.of().formatHex(server.received().get(0)))
            .isEqualTo("300c020101600702010304008000");
      }
      String invalidCredentials = "300c02010161070a013104000400";
      try (ScriptedServer server = ScriptedServer.thenClose(read(14), writeHex(invalidCredentials))) {
        assertThat(run(Check.ldap(), server.address())).isEqualTo(outcome(CheckStatus.L7STS, 49,
            "See RFC: http://tools.ietf.org/html/rfc4511#section-4.1.9"));
      }
      try (ScriptedServer server = ScriptedServer.thenClose(read(14), write("HTTP/1.0 200 OK\r\n"))) {
        assertThat(run(Check.ldap(), server.address()))
            .isEqualTo(outcome(CheckStatus.L7RSP, 0, "Not LDAPv3 protocol"));
      }
    }

    @Test
    void sslHelloPassesOnAnyTlsRecordAtLayer6() throws Exception {
      try (ScriptedServer server = ScriptedServer.thenClose(read(126), writeHex("1503000002022f"))) {
        assertThat(run(Check.sslHello(), server.address())).isEqualTo(outcome(CheckStatus.L6OK, 0, ""));
        await().until(() -> server.received().size() == 1);
        byte[] hello = server.received().get(0);
        assertThat(hello).hasSize(126);
        assertThat(HexFormat.of().formatHex(hello, 0, 11)).isEqualTo("1603000079010000750300");
        long sent = ((hello[11] & 0xFFL) << 24) | ((hello[12] & 0xFF) << 16)
            | ((hello[13] & 0xFF) << 8) | (hello[14] & 0xFF);
        assertThat(sent).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(60L));
        assertThat(new String(hello, 15, 28)).isEqualTo("HAPROXYSSLCHK\nHAPROXYSSLCHK\n");
        assertThat(HexFormat.of().formatHex(hello, 122, 126)).isEqualTo("003a0100");
      }
      try (ScriptedServer server = ScriptedServer.thenClose(read(126), write("HTTP/1.0 200 OK\r\n"))) {
        assertThat(run(Check.sslHello(), server.address())).isEqualTo(outcome(CheckStatus.L6RSP, 0, ""));
      }
    }
  }

  @Nested
  class Tls {
    @TempDir Path dir;

    @Test
    void checkSslPassesAtLayer6OnAVerifiedHandshake() throws Exception {
      TestCertificate certificate = TestCertificate.localhost(dir);
      try (ScriptedServer server = ScriptedServer.overTls(certificate.serverContext())) {
        assertThat(run(Check.connect(), CheckTls.verifyNone(), server.address(), null))
            .isEqualTo(outcome(CheckStatus.L6OK, 0, ""));
        CheckTls verified = CheckTls.verifyWith(certificate.pem()).sni("localhost");
        assertThat(run(Check.connect(), verified, server.address(), null))
            .isEqualTo(outcome(CheckStatus.L6OK, 0, ""));
        CheckTls wrongName = CheckTls.verifyWith(certificate.pem()).sni("db.example");
        assertThat(run(Check.connect(), wrongName, server.address(), null))
            .isEqualTo(outcome(CheckStatus.L6RSP, 0, "SSL handshake failure"));
      }
    }

    @Test
    void rulesRunInsideTheTlsConnection() throws Exception {
      TestCertificate certificate = TestCertificate.localhost(dir);
      try (ScriptedServer server = ScriptedServer.overTls(certificate.serverContext(),
          read(14), write("+PONG\r\n"))) {
        assertThat(run(Check.redis(), CheckTls.verifyNone(), server.address(), null))
            .isEqualTo(outcome(CheckStatus.L7OK, 0, "Redis server is ok"));
        Check ssl = Check.tcp().connect(CheckConnect.SERVER.tls()).send("*1\r\n$4\r\nPING\r\n")
            .expect(CheckExpect.string("+PONG"));
        assertThat(run(ssl, CheckTls.verifyNone().onlyWhereAsked(), server.address(), null))
            .isEqualTo(outcome(CheckStatus.L7OK, 0, "(tcp-check)"));
      }
    }

    @Test
    void aServerThatIsNotTlsFailsTheHandshakeAndASilentOneTimesOutAtLayer6() throws Exception {
      try (ScriptedServer plain = ScriptedServer.thenClose(write("+PONG\r\n"))) {
        assertThat(run(Check.connect(), CheckTls.verifyNone(), plain.address(), null))
            .isEqualTo(outcome(CheckStatus.L6RSP, 0, "SSL handshake failure"));
      }
      try (ScriptedServer silent = ScriptedServer.thenHold()) {
        assertThat(run(Check.connect(), CheckTls.verifyNone(), false, Duration.ofMillis(300),
            silent.address(), null)).isEqualTo(outcome(CheckStatus.L6TOUT, 0, ""));
      }
    }
  }

}
