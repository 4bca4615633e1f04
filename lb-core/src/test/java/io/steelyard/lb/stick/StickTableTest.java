package io.steelyard.lb.stick;

import static io.steelyard.lb.stick.Addresses.ip;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StickTableTest {
  private static final InetAddress A = ip("192.0.2.1");
  private static final InetAddress B = ip("192.0.2.2");

  private final FakeTicker ticker = new FakeTicker();
  private final StickTable table =
      StickTable.builder().size(100).expire(ofMinutes(30)).ticker(ticker).build();

  @Test
  void theWatcherHearsOfWritesHereOnceUntilTakenAndNotOfAPeersEntries() {
    StickTable table = StickTable.builder().size(10).expire(ofMinutes(30)).build();
    java.util.List<StickEntry> heard = new java.util.ArrayList<>();
    table.watch(heard::add);

    table.store(A, 1).connectionClosed();
    table.store(A, 2).connectionClosed();
    assertThat(heard).as("once until taken").hasSize(1);
    assertThat(heard.get(0).client()).isEqualTo(A);
    assertThat(heard.get(0).serverId()).isEqualTo(2);
    heard.get(0).takeWritten();
    table.setServer(A, 3);
    assertThat(heard).as("written again after it was taken").hasSize(2);
    heard.get(1).takeWritten();

    table.setServer(B, 1, ofSeconds(5));
    assertThat(heard).as("a peer's entry is not pushed on").hasSize(2);
    assertThat(table.entry(B).orElseThrow().expiresIn()).isLessThanOrEqualTo(ofSeconds(5));
    assertThatThrownBy(() -> table.watch(heard::add)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aClientWithoutEntryMatchesNoServer() {
    assertThat(table.match(A)).isEqualTo(StickTable.NO_SERVER);
    assertThat(table.entry(A)).isEmpty();
  }

  @Test
  void aStoredClientMatchesItsServer() {
    table.store(A, 2);
    table.store(B, 0);

    assertThat(table.match(A)).isEqualTo(2);
    assertThat(table.match(B)).isZero();
    assertThat(table.match(ip("192.0.2.3"))).isEqualTo(StickTable.NO_SERVER);
  }

  @Test
  void aStoreOverwritesTheServerOfTheSameEntry() {
    StickEntry first = table.store(A, 1);
    StickEntry second = table.store(A, 3);

    assertThat(second).isSameAs(first);
    assertThat(table.match(A)).isEqualTo(3);
    assertThat(second.serverId()).isEqualTo(3);
    assertThat(table.used()).isEqualTo(1);
  }

  @Test
  void aPeersEntryLivesTheTimeItHadLeftUntilTouchedHere() {
    assertThat(table.setServer(A, 2, ofMinutes(5))).isTrue();
    assertThat(table.setServer(B, 1, ofMinutes(90))).isTrue();
    assertThat(table.entry(A)).hasValueSatisfying(
        entry -> assertThat(entry.expiresIn()).isEqualTo(ofMinutes(5)));
    assertThat(table.entry(B)).hasValueSatisfying(
        entry -> assertThat(entry.expiresIn()).isEqualTo(ofMinutes(30)));

    ticker.advance(ofMinutes(4));
    assertThat(table.match(A)).isEqualTo(2);
    assertThat(table.entry(A)).hasValueSatisfying(
        entry -> assertThat(entry.expiresIn()).isEqualTo(ofMinutes(30)));
    ticker.advance(ofMinutes(29));
    assertThat(table.match(A)).isEqualTo(2);

    table.setServer(B, 1, ofSeconds(1));
    ticker.advance(ofSeconds(1));
    assertThat(table.entry(B)).isEmpty();
    assertThatThrownBy(() -> table.setServer(A, 1, java.time.Duration.ZERO))
        .hasMessage("time to live must be > 0: PT0S");
  }

  @Test
  void anEntryExpiresAfterItsLastStore() {
    table.store(A, 1).connectionClosed();
    ticker.advance(ofMinutes(30).minusSeconds(1));

    assertThat(table.entry(A)).hasValueSatisfying(
        entry -> assertThat(entry.expiresIn()).isEqualTo(ofSeconds(1)));

    ticker.advance(ofSeconds(1));

    assertThat(table.entry(A)).isEmpty();
    assertThat(table.match(A)).isEqualTo(StickTable.NO_SERVER);
    assertThat(table.entries()).isEmpty();
    assertThat(table.used()).isZero();
  }

  @Test
  void aMatchResetsTheExpiry() {
    table.store(A, 1).connectionClosed();
    ticker.advance(ofMinutes(29));
    assertThat(table.match(A)).isEqualTo(1);
    ticker.advance(ofMinutes(29));
    assertThat(table.match(A)).isEqualTo(1); // 58 min after the store, 29 after the match
    ticker.advance(ofMinutes(29));
    assertThat(table.entry(A)).hasValueSatisfying(
        entry -> assertThat(entry.expiresIn()).isEqualTo(ofMinutes(1)));

    ticker.advance(ofMinutes(1));

    assertThat(table.match(A)).isEqualTo(StickTable.NO_SERVER);
  }

  @Test
  void aStoreResetsTheExpiry() {
    table.store(A, 1).connectionClosed();
    ticker.advance(ofMinutes(20));
    table.store(A, 2).connectionClosed();
    ticker.advance(ofMinutes(20));

    assertThat(table.match(A)).isEqualTo(2);
  }

  @Test
  void anEntryExpiresEvenWithAConnectionOpen() {
    StickEntry entry = table.store(A, 1);
    ticker.advance(ofMinutes(30));

    assertThat(table.match(A)).isEqualTo(StickTable.NO_SERVER);
    entry.connectionClosed(); // on the detached entry
    assertThat(entry.currentConnections()).isZero();
  }

  @Test
  void lookingAtAnEntryDoesNotTouchIt() {
    table.store(A, 1).connectionClosed();
    ticker.advance(ofMinutes(20));

    assertThat(table.entry(A)).hasValueSatisfying(
        entry -> {
          assertThat(entry.idle()).isEqualTo(ofMinutes(20));
          assertThat(entry.expiresIn()).isEqualTo(ofMinutes(10));
        });
    assertThat(table.entries()).hasSize(1);

    ticker.advance(ofMinutes(10));

    assertThat(table.match(A)).isEqualTo(StickTable.NO_SERVER);
  }

  @Test
  void storesCountConnectionsUntilTheyClose() {
    StickEntry entry = table.store(A, 1);
    assertThat(entry.currentConnections()).isEqualTo(1);
    assertThat(entry.totalConnections()).isEqualTo(1);

    table.store(A, 1);
    table.store(A, 2);
    assertThat(entry.currentConnections()).isEqualTo(3);
    assertThat(entry.totalConnections()).isEqualTo(3);

    entry.connectionClosed();
    entry.connectionClosed();
    assertThat(table.entry(A)).hasValueSatisfying(
        snapshot -> {
          assertThat(snapshot.serverId()).isEqualTo(2);
          assertThat(snapshot.currentConnections()).isEqualTo(1);
          assertThat(snapshot.totalConnections()).isEqualTo(3);
        });

    entry.connectionClosed();
    assertThat(entry.currentConnections()).isZero();
    assertThat(entry.totalConnections()).isEqualTo(3);
  }

  @Test
  void closingMoreConnectionsThanWereCountedFails() {
    StickEntry entry = table.store(A, 4);
    entry.connectionClosed();

    assertThatThrownBy(entry::connectionClosed)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("stick-table entry of server 4 has no connection to close");
    assertThat(entry.currentConnections()).isZero();
  }

  @Test
  void entriesListsEveryEntryWithItsCounters() {
    table.store(A, 1);
    table.store(A, 1).connectionClosed();
    ticker.advance(ofMinutes(5));
    table.store(B, 2).connectionClosed();
    ticker.advance(ofMinutes(1));

    assertThat(table.entries())
        .containsExactlyInAnyOrder(
            new StickEntry.Snapshot(A, 1, 1, 2, ofMinutes(6), ofMinutes(24)),
            new StickEntry.Snapshot(B, 2, 0, 1, ofMinutes(1), ofMinutes(29)));
  }

  @Test
  void clearRemovesEveryEntryEvenInUse() {
    StickEntry inUse = table.store(A, 1);
    table.store(B, 2).connectionClosed();

    table.clear();

    assertThat(table.entries()).isEmpty();
    assertThat(table.match(A)).isEqualTo(StickTable.NO_SERVER);
    inUse.connectionClosed();
    assertThat(table.store(A, 3)).isNotSameAs(inUse);
    assertThat(table.match(A)).isEqualTo(3);
  }

  @Test
  void clearOneKeyRemovesOnlyItsEntry() {
    table.store(A, 1);
    table.store(B, 2);

    assertThat(table.clear(A)).isTrue();
    assertThat(table.clear(A)).isFalse();
    assertThat(table.match(A)).isEqualTo(StickTable.NO_SERVER);
    assertThat(table.match(B)).isEqualTo(2);
  }

  @Test
  void setServerCreatesAnEntryWithoutConnection() {
    assertThat(table.setServer(A, 5)).isTrue();

    assertThat(table.match(A)).isEqualTo(5);
    assertThat(table.entry(A))
        .contains(new StickEntry.Snapshot(A, 5, 0, 0, Duration.ZERO, ofMinutes(30)));
  }

  @Test
  void setServerOverwritesTheServerKeepsTheCountersAndTouches() {
    StickEntry entry = table.store(A, 1);
    ticker.advance(ofMinutes(20));

    assertThat(table.setServer(A, 7)).isTrue();

    assertThat(entry.serverId()).isEqualTo(7);
    assertThat(table.entry(A))
        .contains(new StickEntry.Snapshot(A, 7, 1, 1, Duration.ZERO, ofMinutes(30)));
  }

  @Test
  void theSettingsAreReadBack() {
    assertThat(table.size()).isEqualTo(100);
    assertThat(table.expire()).isEqualTo(ofMinutes(30));
    assertThat(table).hasToString("StickTable{size=100, expire=PT30M}");
  }

  @Test
  void negativeServerIdsAreRefused() {
    assertThatThrownBy(() -> table.store(A, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("server id must be >= 0: -1");
    assertThatThrownBy(() -> table.setServer(A, -2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("server id must be >= 0: -2");
    assertThat(table.entries()).isEmpty();
  }

  @Test
  void nullClientsAreRefused() {
    assertThatThrownBy(() -> table.match(null)).hasMessage("client");
    assertThatThrownBy(() -> table.store(null, 1)).hasMessage("client");
    assertThatThrownBy(() -> table.setServer(null, 1)).hasMessage("client");
    assertThatThrownBy(() -> table.entry(null)).hasMessage("client");
    assertThatThrownBy(() -> table.clear(null)).hasMessage("client");
  }
}
