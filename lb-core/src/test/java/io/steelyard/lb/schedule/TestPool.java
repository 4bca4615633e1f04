package io.steelyard.lb.schedule;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Declares the servers of a backend for a test, in order, and helps count the picks. */
final class TestPool {
  private final List<Member> members = new ArrayList<>();

  TestPool server(String name, int weight) {
    return server(name, weight, 0);
  }

  TestPool server(String name, int weight, int maxConn) {
    members.add(new Member(members.size(), name, weight, maxConn, false));
    return this;
  }

  TestPool backup(String name, int weight) {
    return backup(name, weight, 0);
  }

  TestPool backup(String name, int weight, int maxConn) {
    members.add(new Member(members.size(), name, weight, maxConn, true));
    return this;
  }

  Scheduler scheduler(Balance balance) {
    return balance.newScheduler(members);
  }

  static Member member(Scheduler scheduler, String name) {
    return scheduler.members().stream()
        .filter(member -> member.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  /** The names of the servers of {@code picks} acquisitions, each released at once. */
  static String sequence(Scheduler scheduler, int picks) {
    StringBuilder names = new StringBuilder();
    for (int i = 0; i < picks; i++) {
      Member member = scheduler.acquire(null, null);
      names.append(member.name());
      scheduler.release(member);
    }
    return names.toString();
  }

  /** The picks per server name of {@code picks} acquisitions, held open when {@code hold}. */
  static Map<String, Integer> counts(Scheduler scheduler, int picks, boolean hold) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Member member : scheduler.members()) {
      counts.put(member.name(), 0);
    }
    for (int i = 0; i < picks; i++) {
      Member member = scheduler.acquire(null, null);
      counts.merge(member.name(), 1, Integer::sum);
      if (!hold) {
        scheduler.release(member);
      }
    }
    return counts;
  }

  static InetAddress ipv4(int address) {
    byte[] bytes = {
      (byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address
    };
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  static InetAddress ipv6(long high, long low) {
    byte[] bytes = new byte[16];
    for (int i = 0; i < 8; i++) {
      bytes[i] = (byte) (high >>> (56 - 8 * i));
      bytes[8 + i] = (byte) (low >>> (56 - 8 * i));
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
