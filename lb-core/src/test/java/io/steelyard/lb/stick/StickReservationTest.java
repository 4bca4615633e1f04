package io.steelyard.lb.stick;

import static java.time.Duration.ofMinutes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code stick on src}'s steps on the table: a connection of a client without an entry reserves it
 * with its pick ({@link StickTable#open}), the client's other connections find the reservation,
 * a claim takes only on the state its connection saw ({@link StickEntry#claim}), a connection
 * that completes confirms the entry unless a newer choice was written ({@link
 * StickTable#connected}), and a reservation no connection came to use goes ({@link
 * StickTable#abandon}).
 */
class StickReservationTest {
  private static final InetAddress CLIENT = Addresses.ipv4(7);

  private final StickTable table = StickTable.builder().size(100).expire(ofMinutes(30)).build();

  @Test
  void theFirstConnectionReservesAndTheOthersFollowItsServer() {
    assertThat(table.open(CLIENT, StickTable.NO_SERVER)).as("no entry, none made").isNull();

    StickEntry first = table.open(CLIENT, 2);
    StickEntry second = table.open(CLIENT, 5);

    assertThat(second).isSameAs(first);
    assertThat(second.serverId()).isEqualTo(2);
    assertThat(first.currentConnections()).isEqualTo(2);
    assertThat(table.match(CLIENT)).isEqualTo(2);
  }

  @Test
  void aClaimTakesOnlyOnTheStateItsConnectionSaw() {
    StickEntry entry = table.open(CLIENT, 1);
    long seen = entry.state();

    long mine = entry.claim(seen, 3);
    long late = entry.claim(seen, 4);

    assertThat(StickEntry.serverOf(mine)).isEqualTo(3);
    assertThat(late).as("the state another claim left").isEqualTo(mine);
    assertThat(entry.serverId()).isEqualTo(3);
    assertThatThrownBy(() -> entry.claim(mine, -2))
        .hasMessage("server id must be >= 0: -2");
  }

  @Test
  void aLateConnectionNeverOverwritesANewerChoice() {
    StickEntry entry = table.open(CLIENT, 1);
    long late = entry.state();
    long newer = entry.claim(table.open(CLIENT, StickTable.NO_SERVER).state(), 2);

    assertThat(table.connected(entry, newer, 2)).isTrue();
    assertThat(table.connected(entry, late, 1)).as("the late connection").isFalse();
    assertThat(table.match(CLIENT)).isEqualTo(2);

    table.setServer(CLIENT, 3); // the admin, or a peer
    assertThat(table.connected(entry, newer, 2)).isFalse();
    assertThat(table.match(CLIENT)).isEqualTo(3);
  }

  @Test
  void aConnectionRedispatchedElsewhereMovesTheEntryWhenNothingNewerWasWritten() {
    StickEntry entry = table.open(CLIENT, 1);

    assertThat(table.connected(entry, entry.state(), 4)).isTrue();

    assertThat(table.match(CLIENT)).isEqualTo(4);
  }

  @Test
  void aReservationNoConnectionCameToUseGoesUnlessAnotherFollowsIt() {
    StickEntry alone = table.open(CLIENT, 1);
    table.abandon(alone, alone.state());
    assertThat(table.entry(CLIENT)).isEmpty();

    StickEntry reserved = table.open(CLIENT, 1);
    StickEntry follower = table.open(CLIENT, 6);
    table.abandon(reserved, reserved.state());
    assertThat(table.match(CLIENT)).as("the follower's").isEqualTo(1);
    assertThat(follower.currentConnections()).isEqualTo(1);

    table.connected(follower, follower.state(), 1);
    follower.connectionClosed();
    StickEntry again = table.open(CLIENT, StickTable.NO_SERVER);
    table.abandon(again, again.state());
    assertThat(table.match(CLIENT)).as("a confirmed entry stays").isEqualTo(1);
  }

  @Test
  void anEntryThatLeftTheTableIsMadeAgainOnConnect() {
    StickEntry entry = table.open(CLIENT, 1);
    table.clear(CLIENT);

    assertThat(table.connected(entry, entry.state(), 1)).isTrue();

    assertThat(table.match(CLIENT)).isEqualTo(1);
  }

  @Test
  void manyConnectionsOfNewClientsAtOnceAgreeOnOneServerEach() throws Exception {
    int threads = 8;
    int clients = 2_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CyclicBarrier start = new CyclicBarrier(threads);
    List<Set<Integer>> servers = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      servers.add(ConcurrentHashMap.newKeySet());
    }
    StickTable big = StickTable.builder().size(clients).expire(Duration.ofMinutes(30)).build();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int pick = t;
        done.add(pool.submit(() -> {
          start.await();
          for (int c = 0; c < clients; c++) {
            StickEntry entry = big.open(Addresses.ipv4(c + 1), pick);
            servers.get(c).add(entry.serverId());
            big.connected(entry, entry.state(), entry.serverId());
            entry.connectionClosed();
          }
          return null;
        }));
      }
      for (Future<?> thread : done) {
        thread.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(servers).allSatisfy(s -> assertThat(s).hasSize(1));
    assertThat(big.entries()).allSatisfy(e -> assertThat(e.currentConnections()).isZero());
  }
}
