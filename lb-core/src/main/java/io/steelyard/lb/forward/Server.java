package io.steelyard.lb.forward;

import static java.util.Objects.requireNonNull;

import io.steelyard.lb.schedule.Member;
import java.net.InetSocketAddress;

/** A running server: where its connections go, its scheduling state and its counters. */
public final class Server {
  private final Member member;
  private final InetSocketAddress address;
  private final Counters counters = new Counters();

  public Server(Member member, InetSocketAddress address) {
    this.member = requireNonNull(member, "member");
    this.address = requireNonNull(address, "address");
  }

  public Member member() {
    return member;
  }

  public String name() {
    return member.name();
  }

  public InetSocketAddress address() {
    return address;
  }

  public Counters counters() {
    return counters;
  }
}
