package io.steelyard.vrrp.linux;

import io.steelyard.lb.testing.NetworkNamespace;
import java.util.ArrayList;
import java.util.List;

/**
 * Hosts on one Ethernet segment: a namespace holding the bridge {@code br0}, and host
 * namespaces whose {@link #IFACE} is a port of it, host {@code i} with 198.51.100.{@code i+1}/24.
 * No route leads out. {@link #dropMulticast()} turns the segment into one without multicast, as
 * some clouds are, where VRRP needs unicast peers.
 */
final class BridgedLan implements AutoCloseable {
  /** Each host's interface on the segment. */
  static final String IFACE = "eth0";

  private final NetworkNamespace bridge;
  private final List<NetworkNamespace> hosts = new ArrayList<>();

  private BridgedLan(NetworkNamespace bridge) {
    this.bridge = bridge;
  }

  /** Creates the bridge and {@code count} hosts on it; removes what it made if a step fails. */
  static BridgedLan create(int count) throws Exception {
    BridgedLan lan = new BridgedLan(NetworkNamespace.create("vrrpsw"));
    try {
      lan.bridge.exec("ip", "link", "add", "br0", "type", "bridge");
      lan.bridge.exec("ip", "link", "set", "br0", "up");
      for (int i = 0; i < count; i++) {
        NetworkNamespace host = NetworkNamespace.create("vrrp" + (char) ('a' + i));
        lan.hosts.add(host);
        String port = "p" + i;
        lan.bridge.exec("ip", "link", "add", port, "type", "veth", "peer", "name", IFACE,
            "netns", host.name());
        lan.bridge.exec("ip", "link", "set", port, "master", "br0", "up");
        host.addAddress(IFACE, address(i) + "/24");
        host.exec("ip", "link", "set", IFACE, "up");
      }
    } catch (Exception e) {
      lan.close();
      throw e;
    }
    return lan;
  }

  /** Host {@code i}'s namespace. */
  NetworkNamespace host(int i) {
    return hosts.get(i);
  }

  /** Host {@code i}'s address, 198.51.100.{@code i+1}. */
  static String address(int i) {
    return "198.51.100." + (i + 1);
  }

  /**
   * Sets host {@code i}'s bridge port down or up: the host's interface stays up but loses its
   * carrier, as when a cable is pulled.
   */
  void plug(int i, boolean in) throws Exception {
    bridge.exec("ip", "link", "set", "p" + i, in ? "up" : "down");
  }

  /** Makes the bridge drop every IPv4 multicast datagram it would forward. */
  void dropMulticast() throws Exception {
    bridge.exec("nft", "add table bridge lan; "
        + "add chain bridge lan forward { type filter hook forward priority 0; }; "
        + "add rule bridge lan forward ether type ip ip daddr 224.0.0.0/4 counter drop");
  }

  /** Undoes {@link #dropMulticast()}: the bridge forwards multicast again. */
  void allowMulticast() throws Exception {
    bridge.exec("nft", "delete table bridge lan");
  }

  /** How many multicast datagrams the bridge dropped since {@link #dropMulticast()}. */
  long multicastDropped() throws Exception {
    String rules = bridge.exec("nft", "list chain bridge lan forward");
    return Long.parseLong(rules.replaceAll("(?s).*counter packets (\\d+).*", "$1"));
  }

  @Override
  public void close() throws Exception {
    Exception failure = null;
    for (NetworkNamespace ns : hosts) {
      try {
        ns.close();
      } catch (Exception e) {
        failure = e;
      }
    }
    bridge.close();
    if (failure != null) {
      throw failure;
    }
  }
}
