package io.steelyard.lb.schedule;

import static io.steelyard.lb.schedule.TestPool.ipv4;
import static io.steelyard.lb.schedule.TestPool.ipv6;
import static io.steelyard.lb.schedule.TestPool.member;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SourceHashTest {
  private static final int CLIENTS = 30_000;

  private static Scheduler oneThreeOne() {
    return new TestPool()
        .server("a", 1)
        .server("b", 3)
        .server("c", 1)
        .scheduler(Balance.source());
  }

  private static List<InetAddress> clients(int count) {
    Random random = new Random(11);
    List<InetAddress> clients = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      clients.add(i % 2 == 0 ? ipv4(0x0a000000 + i) : ipv4(random.nextInt()));
    }
    return clients;
  }

  private static Member pick(Scheduler scheduler, InetAddress client) {
    Member member = scheduler.acquire(client, null);
    scheduler.release(member);
    return member;
  }

  private static Map<InetAddress, Member> assignments(
      Scheduler scheduler, List<InetAddress> clients) {
    Map<InetAddress, Member> assignments = new HashMap<>();
    for (InetAddress client : clients) {
      assignments.put(client, pick(scheduler, client));
    }
    return assignments;
  }

  private static Map<String, Double> shares(Scheduler scheduler, List<InetAddress> clients) {
    Map<String, Double> shares = new HashMap<>();
    for (InetAddress client : clients) {
      shares.merge(pick(scheduler, client).name(), 1.0 / clients.size(), Double::sum);
    }
    return shares;
  }

  @Test
  void aClientKeepsItsServer() {
    Scheduler scheduler = oneThreeOne();
    List<InetAddress> clients = clients(1_000);
    Map<InetAddress, Member> first = assignments(scheduler, clients);

    for (int round = 0; round < 3; round++) {
      assertThat(assignments(scheduler, clients)).isEqualTo(first);
    }
  }

  @Test
  void clientsSpreadInProportionToTheWeights() {
    Map<String, Double> shares = shares(oneThreeOne(), clients(CLIENTS));

    assertThat(shares.get("a")).isCloseTo(0.2, within(0.015));
    assertThat(shares.get("b")).isCloseTo(0.6, within(0.015));
    assertThat(shares.get("c")).isCloseTo(0.2, within(0.015));
  }

  @Test
  void ipv6ClientsSpreadToo() {
    Scheduler scheduler = oneThreeOne();
    Random random = new Random(5);
    List<InetAddress> clients = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      // One /64 with sequential hosts, and random addresses.
      clients.add(ipv6(0x20010db800000000L, i % 2 == 0 ? i : random.nextLong()));
    }
    Map<String, Double> shares = shares(scheduler, clients);

    assertThat(shares.get("a")).isCloseTo(0.2, within(0.015));
    assertThat(shares.get("b")).isCloseTo(0.6, within(0.015));
    assertThat(shares.get("c")).isCloseTo(0.2, within(0.015));
  }

  @Test
  void followsTheLiveServersAndComesBackToTheSameMapping() {
    Scheduler scheduler = oneThreeOne();
    List<InetAddress> clients = clients(5_000);
    Map<InetAddress, Member> before = assignments(scheduler, clients);
    Member b = member(scheduler, "b");

    scheduler.setUsable(b, false);
    Map<InetAddress, Member> without = assignments(scheduler, clients);
    assertThat(without).doesNotContainValue(b);
    assertThat(shares(scheduler, clients).get("a")).isCloseTo(0.5, within(0.03));
    assertThat(without).isEqualTo(assignments(scheduler, clients));

    scheduler.setUsable(b, true);
    assertThat(assignments(scheduler, clients)).isEqualTo(before);

    scheduler.setWeight(b, 1);
    assertThat(shares(scheduler, clients).get("b")).isCloseTo(1 / 3.0, within(0.03));
  }

  @Test
  void probesForAnotherServerWhenTheClientsServerIsFull() {
    Scheduler scheduler =
        new TestPool()
            .server("a", 1, 1)
            .server("b", 1, 1)
            .server("c", 1, 1)
            .scheduler(Balance.source());
    InetAddress client = ipv4(0xc0a80001);
    Member own = scheduler.acquire(client, null);
    Member second = scheduler.acquire(client, null);
    Member third = scheduler.acquire(client, null);

    assertThat(List.of(own, second, third)).doesNotHaveDuplicates().doesNotContainNull();
    assertThat(scheduler.acquire(client, null)).isNull();
    scheduler.release(second);
    assertThat(scheduler.acquire(client, null)).isSameAs(second);
    scheduler.release(own);
    assertThat(scheduler.acquire(client, null)).isSameAs(own);
  }

  @Test
  void avoidsTheGivenServerByProbing() {
    Scheduler scheduler = oneThreeOne();
    for (InetAddress client : clients(200)) {
      Member own = pick(scheduler, client);
      Member other = scheduler.acquire(client, own);
      assertThat(other).isNotNull().isNotSameAs(own);
      scheduler.release(other);
    }
  }

  @Test
  void aNullClientHashesToTheFirstSlot() {
    Scheduler scheduler = oneThreeOne();

    assertThat(SourceHash.hash(null)).isZero();
    for (int i = 0; i < 10; i++) {
      assertThat(pick(scheduler, null).name()).isEqualTo("b"); // the table is b a b c b
    }
  }

  @Test
  void theHashMixesEveryBitOfTheAddress() {
    int base = SourceHash.hash(ipv4(0x0a000001));
    for (int bit = 0; bit < 32; bit++) {
      int flipped = SourceHash.hash(ipv4(0x0a000001 ^ (1 << bit)));
      assertThat(Integer.bitCount(base ^ flipped)).as("bit %d", bit).isBetween(6, 26);
    }
  }

  @Test
  void aDirectAcquisitionMovesNoClient() {
    Scheduler scheduler = oneThreeOne();
    List<InetAddress> clients = clients(1_000);
    Map<InetAddress, Member> before = assignments(scheduler, clients);
    Member c = member(scheduler, "c");
    scheduler.setUsable(c, false); // draining, with its clients sent to it by name

    Map<InetAddress, Member> draining = assignments(scheduler, clients);
    assertThat(scheduler.acquireDirect(c)).isTrue();
    assertThat(assignments(scheduler, clients)).isEqualTo(draining);
    scheduler.release(c);
    scheduler.setUsable(c, true);
    assertThat(assignments(scheduler, clients)).isEqualTo(before);
  }

  @Test
  void anAddedServerTakesItsShareAndItsRemovalRestoresTheMapping() {
    Scheduler scheduler = oneThreeOne();
    List<InetAddress> clients = clients(CLIENTS);
    Map<InetAddress, Member> before = assignments(scheduler, clients);
    Member d = new Member(3, "d", 5, 0, false, false);

    scheduler.add(d);
    assertThat(assignments(scheduler, clients)).isEqualTo(before);
    scheduler.setUsable(d, true);
    assertThat(shares(scheduler, clients).get("d")).isCloseTo(0.5, within(0.015));

    scheduler.setUsable(d, false);
    scheduler.remove(d);
    assertThat(assignments(scheduler, clients)).isEqualTo(before);
  }
}
