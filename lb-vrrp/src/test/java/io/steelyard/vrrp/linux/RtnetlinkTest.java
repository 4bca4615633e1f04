package io.steelyard.vrrp.linux;

import io.steelyard.lb.testing.InNamespace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.steelyard.lb.testing.NetworkNamespace;
import io.steelyard.lb.testing.Privileged;
import io.steelyard.vrrp.state.VirtualAddress;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Addresses added and deleted through rtnetlink, as {@code ip addr} then shows them. */
@Privileged(tools = {"ip"})
class RtnetlinkTest {

  /** A change to {@code vA} of host A, through one rtnetlink socket opened in A. */
  private interface Change {
    void apply(Rtnetlink netlink, LinuxInterface vA) throws Exception;
  }

  private static void inA(TwoHosts hosts, Change change) throws Exception {
    InNamespace.call(hosts.a, () -> {
      try (Rtnetlink netlink = Rtnetlink.open()) {
        change.apply(netlink, LinuxInterface.lookup("vA"));
      }
      return null;
    });
  }

  @Test
  void addsWithBroadcastAndScopeDeletesAndToleratesRepeats() throws Exception {
    try (TwoHosts hosts = TwoHosts.create()) {
      NetworkNamespace a = hosts.a;
      VirtualAddress vip = VirtualAddress.parse(TwoHosts.VIP + "/25 brd 198.51.100.255 scope link");
      inA(hosts, (netlink, vA) -> {
        netlink.addAddress(vA, vip);
        netlink.addAddress(vA, vip);
      });
      assertThat(a.exec("ip", "-4", "-o", "addr", "show", "dev", "vA"))
          .contains("inet " + TwoHosts.VIP + "/25 brd 198.51.100.255 scope link");

      inA(hosts, (netlink, vA) -> {
        netlink.deleteAddress(vA, vip);
        netlink.deleteAddress(vA, vip);
      });
      assertThat(a.exec("ip", "-4", "-o", "addr", "show", "dev", "vA"))
          .doesNotContain(TwoHosts.VIP).contains("198.51.100.1/24");
    }
  }

  @Test
  void aRefusalCarriesTheKernelsExplanation() throws Exception {
    try (TwoHosts hosts = TwoHosts.create()) {
      // A secondary address of the primary's subnet must have the primary's scope.
      assertThatThrownBy(() -> inA(hosts, (netlink, vA) ->
          netlink.addAddress(vA, VirtualAddress.parse(TwoHosts.VIP + "/24 scope link"))))
          .isInstanceOf(IOException.class)
          .hasMessage("adding " + TwoHosts.VIP + "/24 scope 253 to vA failed: errno 22 (Invalid"
              + " argument): ipv4: Invalid scope value");
    }
  }

  @Test
  void aRefusalNamesTheAddressTheInterfaceAndTheErrno() throws Exception {
    try (TwoHosts hosts = TwoHosts.create()) {
      LinuxInterface gone = InNamespace.call(hosts.a, () -> {
        LinuxInterface iface = LinuxInterface.lookup("vA");
        hosts.a.exec("ip", "link", "del", "vA");
        return iface;
      });
      assertThatThrownBy(() -> InNamespace.call(hosts.b, () -> {
        try (Rtnetlink netlink = Rtnetlink.open()) {
          netlink.addAddress(gone, VirtualAddress.parse(TwoHosts.VIP));
        }
        return null;
      }))
          .isInstanceOf(IOException.class)
          .hasMessage("adding " + TwoHosts.VIP + "/32 to vA failed: errno 19 (No such device): ipv4: Device not found");
    }
  }
}
