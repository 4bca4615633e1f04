package io.steelyard.lb.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.steelyard.lb.testing.ScriptedServer;
import io.steelyard.lb.testing.TestBackend;
import io.steelyard.lb.testing.Tools;
import io.steelyard.lb.testing.UnixSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wire format against a real HAProxy 2.6 (Debian's package) as the other peer: this test plays
 * a peer named {@code sy} with the codec alone, on loopback. HAProxy's greeting reads, its table
 * definition and its update of a real client's entry decode to what Steelyard writes, and an entry
 * Steelyard writes shows in HAProxy's {@code show table} with the server it names.
 */
class PeerWireInteropTest {
  private Process haproxy;

  @AfterEach
  void stop() throws InterruptedException {
    if (haproxy != null) {
      haproxy.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void haproxysEntriesAndOursCrossTheWire(@TempDir Path dir) throws Exception {
    Tools.require("haproxy");
    try (ServerSocket sy = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        ScriptedServer s1 = ScriptedServer.thenClose(ScriptedServer.write("hello\n"))) {
      sy.setSoTimeout(15_000);
      int front = TestBackend.refusingAddress().getPort();
      Path socket = dir.resolve("haproxy.sock");
      String config = HaproxyPeerConfig.of(socket.toString(), TestBackend.refusingAddress().getPort(),
          sy.getLocalPort(), front, "127.0.0.1:" + s1.address().getPort());
      haproxy = new ProcessBuilder("haproxy", "-db", "-f",
          Files.writeString(dir.resolve("haproxy.cfg"), config).toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();

      try (Socket session = sy.accept()) {
        session.setSoTimeout(10_000);
        InputStream in = session.getInputStream();
        OutputStream out = session.getOutputStream();
        PeerHello hello = PeerHello.parse(readLines(in, 3));
        assertThat(hello).isNotNull();
        assertThat(hello.version()).isEqualTo("2.1");
        assertThat(hello.to()).isEqualTo("sy");
        assertThat(hello.from()).isEqualTo("hap");
        assertThat(hello.status("sy", "hap"::equals)).isEqualTo(PeerHello.ACCEPTED);
        out.write((PeerHello.ACCEPTED + "\n").getBytes(StandardCharsets.US_ASCII));

        // A real client's connection through HAProxy stores 127.0.0.1 with s1.
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), front)) {
          client.setSoTimeout(5_000);
          assertThat(client.getInputStream().readNBytes(6)).isEqualTo("hello\n".getBytes());
        }
        Frames frames = new Frames(in, out);
        TableDefinition table = null;
        TableUpdate update = null;
        ServerKeyDictionary received = new ServerKeyDictionary();
        while (update == null) {
          PeerFrame frame = frames.next();
          if (frame.messageClass() == PeerFrame.CONTROL && frame.type() == PeerFrame.RESYNC_REQUEST) {
            frames.send(PeerFrame.of(PeerFrame.CONTROL, PeerFrame.RESYNC_FINISHED));
          } else if (frame.type() == PeerFrame.DEFINE) {
            table = TableDefinition.read(PeerReader.of(frame.payload()));
          } else if (frame.messageClass() == PeerFrame.STICK_TABLE && frame.type() != PeerFrame.ACK
              && frame.type() != PeerFrame.SWITCH) {
            update = TableUpdate.read(frame.type(), PeerReader.of(frame.payload()), table, received);
          }
        }
        assertThat(table.name()).isEqualTo("bk");
        assertThat(table).isEqualTo(TableDefinition.stickOnSource(table.id(), "bk", 1_800_000));
        assertThat(update.key()).isEqualTo(new byte[] {127, 0, 0, 1});
        assertThat(update.serverId()).isEqualTo(1);
        assertThat(update.serverName()).isEqualTo("s1");

        // Ours: HAProxy stores it and acknowledges it.
        TableDefinition ours = TableDefinition.stickOnSource(1, "bk", 1_800_000);
        frames.send(new PeerFrame(PeerFrame.STICK_TABLE, PeerFrame.DEFINE, ours.payload()));
        TableUpdate entry = new TableUpdate(7, -1, new byte[] {127, 0, 0, 7}, 1, "s1");
        frames.send(new PeerFrame(PeerFrame.STICK_TABLE, entry.type(),
            entry.payload(ours, new ServerKeyDictionary())));
        PeerFrame ack;
        do {
          ack = frames.next();
        } while (ack.type() != PeerFrame.ACK);
        PeerReader acked = PeerReader.of(ack.payload());
        assertThat(acked.varint()).isEqualTo(1);
        assertThat(acked.u32()).isEqualTo(7);
        String shown = UnixSocket.ask(socket, "show table bk\n");
        assertThat(shown).containsPattern("key=127\\.0\\.0\\.7 .*server_id=1 .*server_key=s1");
      }
    }
  }

  /** Reads {@code count} lines, ended by line feeds, at most {@link PeerHello#MAX_LENGTH} bytes. */
  private static String readLines(InputStream in, int count) throws IOException {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    int lines = 0;
    while (lines < count && text.size() < PeerHello.MAX_LENGTH) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      text.write(b);
      if (b == '\n') {
        lines++;
      }
    }
    return text.toString(StandardCharsets.ISO_8859_1);
  }

  /** The messages of one session, read and written with the codec. */
  private static final class Frames {
    private final InputStream in;
    private final OutputStream out;
    private byte[] buffer = new byte[0];

    Frames(InputStream in, OutputStream out) {
      this.in = in;
      this.out = out;
    }

    PeerFrame next() throws IOException {
      while (true) {
        PeerFrame.Decoding decoding = PeerFrame.decode(buffer, 0, buffer.length);
        if (decoding instanceof PeerFrame.Decoded decoded) {
          byte[] rest = new byte[buffer.length - decoded.length()];
          System.arraycopy(buffer, decoded.length(), rest, 0, rest.length);
          buffer = rest;
          return decoded.frame();
        }
        assertThat(decoding).isSameAs(PeerFrame.NEED_MORE);
        byte[] chunk = new byte[4096];
        int read = in.read(chunk);
        if (read < 0) {
          throw new IOException("HAProxy closed the session");
        }
        byte[] longer = new byte[buffer.length + read];
        System.arraycopy(buffer, 0, longer, 0, buffer.length);
        System.arraycopy(chunk, 0, longer, buffer.length, read);
        buffer = longer;
      }
    }

    void send(PeerFrame frame) throws IOException {
      out.write(frame.encode());
      out.flush();
    }
  }

}
