package io.steelyard.lb.stick;

import static io.steelyard.lb.stick.Addresses.ip;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A full table: which entry makes room for a new client, and when none does. */
class StickEvictionTest {
  private static final InetAddress A = ip("192.0.2.1");
  private static final InetAddress B = ip("192.0.2.2");
  private static final InetAddress C = ip("2001:db8::3");
  private static final InetAddress D = ip("192.0.2.4");
  private static final InetAddress E = ip("192.0.2.5");

  private final FakeTicker ticker = new FakeTicker();
  private final StickTable table =
      StickTable.builder().size(3).expire(ofMinutes(30)).ticker(ticker).build();

  /** Stores {@code client} for a connection that has already closed. */
  private void storeClosed(InetAddress client, int serverId) {
    table.store(client, serverId).connectionClosed();
    ticker.advance(ofSeconds(2));
  }

  private List<InetAddress> clients() {
    return table.entries().stream().map(StickEntry.Snapshot::client).toList();
  }

  @Test
  void theLeastRecentlyStoredEntryMakesRoom() {
    storeClosed(A, 0);
    storeClosed(B, 1);
    storeClosed(C, 2);

    storeClosed(D, 3);

    assertThat(clients()).containsExactlyInAnyOrder(B, C, D);
    assertThat(table.used()).isEqualTo(3);
  }

  @Test
  void aMatchMakesAnEntryRecent() {
    storeClosed(A, 0);
    storeClosed(B, 1);
    storeClosed(C, 2);
    assertThat(table.match(A)).isZero();
    ticker.advance(ofSeconds(2));

    storeClosed(D, 3);

    assertThat(clients()).containsExactlyInAnyOrder(A, C, D);
  }

  @Test
  void aStoreMakesAnEntryRecent() {
    storeClosed(A, 0);
    storeClosed(B, 1);
    storeClosed(C, 2);
    storeClosed(B, 4);
    storeClosed(A, 5);

    storeClosed(D, 3);

    assertThat(clients()).containsExactlyInAnyOrder(A, B, D);
    assertThat(table.match(A)).isEqualTo(5);
    assertThat(table.match(B)).isEqualTo(4);
  }

  @Test
  void anEntryInUseIsPassedOver() {
    StickEntry a = table.store(A, 0); // stays open
    ticker.advance(ofSeconds(2));
    storeClosed(B, 1);
    storeClosed(C, 2);

    StickEntry d = table.store(D, 3);

    assertThat(d).isNotNull();
    assertThat(clients()).containsExactlyInAnyOrder(A, C, D);
    assertThat(a.currentConnections()).isEqualTo(1);
  }

  @Test
  void whenEveryEntryIsInUseTheNewClientIsNotStored() {
    StickEntry a = table.store(A, 0);
    table.store(B, 1);
    table.store(C, 2);

    assertThat(table.store(D, 3)).isNull();
    assertThat(table.setServer(D, 3)).isFalse();

    assertThat(table.match(D)).isEqualTo(StickTable.NO_SERVER);
    assertThat(clients()).containsExactlyInAnyOrder(A, B, C);
    assertThat(table.entries())
        .allSatisfy(entry -> assertThat(entry.totalConnections()).isEqualTo(1));

    // A client that has an entry is stored as ever.
    assertThat(table.store(B, 4)).isNotNull();
    assertThat(table.match(B)).isEqualTo(4);

    // Once A's connection closes, A is the one entry not in use: it makes room.
    a.connectionClosed();
    assertThat(table.store(D, 3)).isNotNull();
    assertThat(clients()).containsExactlyInAnyOrder(B, C, D);
  }

  @Test
  void expiredEntriesGoBeforeAnyLiveOne() {
    storeClosed(A, 0);
    ticker.advance(ofMinutes(20));
    storeClosed(B, 1);
    storeClosed(C, 2);
    ticker.advance(ofMinutes(10)); // A expires

    storeClosed(D, 3);

    assertThat(clients()).containsExactlyInAnyOrder(B, C, D);
  }

  @Test
  void aTableOfOneKeepsTheLastClient() {
    StickTable one = StickTable.builder().size(1).expire(ofMinutes(30)).ticker(ticker).build();
    one.store(A, 0).connectionClosed();
    one.store(B, 1).connectionClosed();

    assertThat(one.match(A)).isEqualTo(StickTable.NO_SERVER);
    assertThat(one.match(B)).isEqualTo(1);
    assertThat(one.used()).isEqualTo(1);
  }

  @Test
  void theSizeHoldsOverManyClients() {
    for (int i = 0; i < 1000; i++) {
      table.store(Addresses.ipv4(i), i).connectionClosed();
      assertThat(table.used()).isLessThanOrEqualTo(3);
    }

    assertThat(clients())
        .containsExactlyInAnyOrder(Addresses.ipv4(997), Addresses.ipv4(998), Addresses.ipv4(999));
  }

  @Test
  void aPurgedEntryCountsNoMoreConnections() {
    StickEntry a = table.store(A, 0);
    a.connectionClosed();
    ticker.advance(ofSeconds(2));
    storeClosed(B, 1);
    storeClosed(C, 2);
    storeClosed(D, 3); // purges A

    StickEntry again = table.store(A, 0);

    assertThat(again).isNotSameAs(a);
    assertThat(a.currentConnections()).isZero();
    assertThat(a.totalConnections()).isEqualTo(1);
    assertThat(again.totalConnections()).isEqualTo(1);
    assertThat(table.entry(E)).isEmpty();
  }
}
