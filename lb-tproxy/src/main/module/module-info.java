/**
 * Transparent proxying for a Steelyard balancer: {@link io.steelyard.tproxy.Tproxy}'s transport
 * with the client's address as the source towards servers, and the routing rules it needs.
 */
module io.steelyard.tproxy {
  requires transitive io.steelyard.lb;
  requires static transitive org.jspecify;

  exports io.steelyard.tproxy;
}
