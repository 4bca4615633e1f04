/**
 * VRRP v2 and v3 for a Steelyard balancer, wire-compatible with keepalived: the builder {@link
 * io.steelyard.vrrp.Vrrp}, the packets, the state machine, tracked scripts and the Linux sockets
 * and addresses it needs (through JNA).
 */
@SuppressWarnings("requires-automatic") // com.sun.jna
module io.steelyard.vrrp {
  requires transitive io.steelyard.lb;
  requires com.sun.jna;
  requires org.slf4j;
  requires static transitive org.jspecify;

  exports io.steelyard.vrrp;
  exports io.steelyard.vrrp.linux;
  exports io.steelyard.vrrp.packet;
  exports io.steelyard.vrrp.script;
  exports io.steelyard.vrrp.state;
}
