/**
 * The host application as a named module: it requires Steelyard's modules, which bring Netty,
 * Caffeine and SLF4J with them.
 */
module host {
  requires io.steelyard.lb;
  requires io.steelyard.vrrp;
}
