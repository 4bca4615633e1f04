package io.steelyard.lb.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The peers protocol's wire format against bytes captured from HAProxy 2.6.12 (its table {@code
 * bk}, {@code stick-table type ip size 200k expire 30m}, an entry of client 127.0.0.9 on server
 * {@code s1}), and against a million random and mutated messages.
 */
class PeerCodecTest {
  private static final HexFormat HEX = HexFormat.of();

  /** HAProxy 2.6.12's DEFINE of table {@code bk}. */
  private static final String DEFINE = "0a820e0102" + "626b" + "0404" + "f1f1fe00" + "f0e5ed05";

  /** HAProxy 2.6.12's first UPDATE of that table: update 2, 127.0.0.9 on server 1, {@code s1}. */
  private static final String UPDATE = "0a800e" + "00000002" + "7f000009" + "01" + "04010273" + "31";

  private static byte[] bytes(String hex) {
    return HEX.parseHex(hex);
  }

  private static PeerFrame frame(String hex) {
    byte[] bytes = bytes(hex);
    PeerFrame.Decoding decoding = PeerFrame.decode(bytes, 0, bytes.length);
    assertThat(decoding).isInstanceOf(PeerFrame.Decoded.class);
    assertThat(((PeerFrame.Decoded) decoding).length()).isEqualTo(bytes.length);
    return ((PeerFrame.Decoded) decoding).frame();
  }

  @Test
  void varintsAreHaproxys() {
    long[] values = {0, 1, 239, 240, 2287, 2288, 264_431, 264_432, 0x80001, 1_800_000, 1L << 40,
        -1L};
    String[] encoded = {"00", "01", "ef", "f000", "ff7f", "f08000", "ffff7f", "f0808000"
        .substring(0, 8), "f1f1fe00", "f0e5ed05", null, null};
    for (int i = 0; i < values.length; i++) {
      byte[] written = new PeerWriter().varint(values[i]).toByteArray();
      if (encoded[i] != null) {
        assertThat(HEX.formatHex(written)).as("%d", values[i]).isEqualTo(encoded[i]);
      }
      PeerReader reader = PeerReader.of(written);
      assertThat(reader.varint()).as("%d", values[i]).isEqualTo(values[i]);
      assertThat(reader.atEnd()).isTrue();
    }
    assertThat(PeerReader.of(bytes("f0")).varint()).isZero();
    assertThat(PeerReader.of(bytes("f0")).rejection()).isNull();
    PeerReader cut = PeerReader.of(bytes("f0"));
    cut.varint();
    assertThat(cut.rejection()).isEqualTo(PeerRejection.TRUNCATED);
    PeerReader endless = PeerReader.of(bytes("f0" + "ff".repeat(12)));
    endless.varint();
    assertThat(endless.rejection()).isEqualTo(PeerRejection.BAD_VARINT);
  }

  @Test
  void haproxysDefineReadsAndWritesBackByteForByte() {
    PeerFrame frame = frame(DEFINE);
    assertThat(frame.messageClass()).isEqualTo(PeerFrame.STICK_TABLE);
    assertThat(frame.type()).isEqualTo(PeerFrame.DEFINE);
    TableDefinition table = TableDefinition.read(PeerReader.of(frame.payload()));
    assertThat(table).isEqualTo(TableDefinition.stickOnSource(1, "bk", 1_800_000));
    assertThat(table.replicable()).isTrue();
    assertThat(HEX.formatHex(new PeerFrame(PeerFrame.STICK_TABLE, PeerFrame.DEFINE, table.payload())
        .encode())).isEqualTo(DEFINE);
  }

  @Test
  void haproxysUpdateReadsAndWritesBackWithTheDictionary() {
    TableDefinition table = TableDefinition.stickOnSource(1, "bk", 1_800_000);
    PeerFrame frame = frame(UPDATE);
    ServerKeyDictionary received = new ServerKeyDictionary();
    TableUpdate update = TableUpdate.read(frame.type(), PeerReader.of(frame.payload()), table, received);
    assertThat(update).isEqualTo(new TableUpdate(2, -1, bytes("7f000009"), 1, "s1"));

    ServerKeyDictionary sent = new ServerKeyDictionary();
    byte[] first = new PeerFrame(PeerFrame.STICK_TABLE, update.type(), update.payload(table, sent))
        .encode();
    assertThat(HEX.formatHex(first)).isEqualTo(UPDATE);
    TableUpdate again = new TableUpdate(-1, 60_000, bytes("7f00000a"), 1, "s1");
    byte[] second = again.payload(table, sent);
    assertThat(HEX.formatHex(second)).isEqualTo("0000ea60" + "7f00000a" + "01" + "01" + "01");
    assertThat(TableUpdate.read(PeerFrame.TIMED_INCREMENTAL_UPDATE, PeerReader.of(second), table,
        received)).isEqualTo(again);
    PeerReader unknownSlot = PeerReader.of(bytes("7f00000a" + "01" + "0102"));
    assertThat(TableUpdate.read(PeerFrame.INCREMENTAL_UPDATE, unknownSlot, table, received)).isNull();
    assertThat(unknownSlot.rejection()).isEqualTo(PeerRejection.BAD_DICTIONARY_ENTRY);
  }

  @Test
  void framesSayWhenTheyNeedMoreAndRejectWhatIsNoMessage() {
    byte[] update = bytes(UPDATE);
    for (int cut = 0; cut < update.length; cut++) {
      assertThat(PeerFrame.decode(update, 0, cut)).isSameAs(PeerFrame.NEED_MORE);
    }
    assertThat(frame("0004")).isEqualTo(PeerFrame.of(PeerFrame.CONTROL, PeerFrame.HEARTBEAT));
    assertThat(PeerFrame.decode(bytes("0200"), 0, 2))
        .isEqualTo(new PeerFrame.Rejected(PeerRejection.UNKNOWN_CLASS));
    assertThat(PeerFrame.decode(bytes("0005"), 0, 2))
        .isEqualTo(new PeerFrame.Rejected(PeerRejection.UNKNOWN_TYPE));
    byte[] huge = new PeerWriter().bytes(bytes("0a80")).varint(PeerFrame.MAX_PAYLOAD + 1).toByteArray();
    assertThat(PeerFrame.decode(huge, 0, huge.length))
        .isEqualTo(new PeerFrame.Rejected(PeerRejection.TOO_LARGE));
  }

  @Test
  void helloIsHaproxysAndAnsweredAsHaproxyAnswers() {
    PeerHello hello = new PeerHello("2.1", "hap", "lb1", 42);
    assertThat(hello.text()).isEqualTo("HAProxyS 2.1\nhap\nlb1 42 1\n");
    assertThat(PeerHello.parse(hello.text())).isEqualTo(hello);
    assertThat(hello.status("hap", "lb1"::equals)).isEqualTo(PeerHello.ACCEPTED);
    assertThat(hello.status("lb2", "lb1"::equals)).isEqualTo(PeerHello.WRONG_NAME);
    assertThat(hello.status("hap", "lb9"::equals)).isEqualTo(PeerHello.UNKNOWN_PEER);
    assertThat(new PeerHello("3.0", "hap", "lb1", 1).status("hap", n -> true))
        .isEqualTo(PeerHello.BAD_VERSION);
    assertThat(PeerHello.parse("GET / HTTP/1.0\r\n\r\n")).isNull();
    assertThat(PeerHello.parse("HAProxyS 2.1\nhap\nlb1 x 1\n")).isNull();
  }

  /**
   * A million messages, random or mutated from HAProxy's, through every reader: none throws, each
   * ends as a message, a need for more bytes, or a counted rejection.
   */
  @Test
  void aMillionRandomAndMutatedMessagesNeverThrow() {
    SplittableRandom random = new SplittableRandom(20261203);
    TableDefinition table = TableDefinition.stickOnSource(1, "bk", 1_800_000);
    byte[][] seeds = {bytes(DEFINE), bytes(UPDATE), bytes("0004"), bytes("0a8405" + "01" + "00000002")};
    Map<PeerRejection, Integer> rejections = new EnumMap<>(PeerRejection.class);
    int decoded = 0;
    int needMore = 0;
    for (int i = 0; i < 1_000_000; i++) {
      byte[] message;
      if (i % 2 == 0) {
        message = new byte[random.nextInt(64)];
        random.nextBytes(message);
        if (message.length > 1 && random.nextBoolean()) {
          message[0] = 0x0A;
        }
      } else {
        message = seeds[random.nextInt(seeds.length)].clone();
        for (int flips = random.nextInt(1, 4); flips > 0; flips--) {
          message[random.nextInt(message.length)] = (byte) random.nextInt(256);
        }
      }
      PeerFrame.Decoding decoding = PeerFrame.decode(message, 0, message.length);
      if (decoding instanceof PeerFrame.Rejected rejected) {
        rejections.merge(rejected.reason(), 1, Integer::sum);
        continue;
      }
      if (decoding == PeerFrame.NEED_MORE) {
        needMore++;
        continue;
      }
      decoded++;
      PeerFrame frame = ((PeerFrame.Decoded) decoding).frame();
      PeerReader reader = PeerReader.of(frame.payload());
      if (frame.type() == PeerFrame.DEFINE) {
        TableDefinition.read(reader);
      } else if (frame.type() >= PeerFrame.UPDATE && frame.type() != PeerFrame.SWITCH
          && frame.type() != PeerFrame.ACK) {
        TableUpdate.read(frame.type(), reader, table, new ServerKeyDictionary());
      }
      if (reader.failed()) {
        rejections.merge(reader.rejection(), 1, Integer::sum);
      }
    }
    System.out.printf("fuzz: %d messages, %d need more bytes, rejected %s%n",
        decoded, needMore, rejections);
    assertThat(decoded + needMore + rejections.values().stream().mapToInt(Integer::intValue).sum())
        .isGreaterThanOrEqualTo(1_000_000);
    assertThat(rejections).containsKeys(PeerRejection.UNKNOWN_CLASS, PeerRejection.UNKNOWN_TYPE,
        PeerRejection.TRUNCATED);
  }
}
