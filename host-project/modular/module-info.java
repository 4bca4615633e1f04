/**
 * The host application as a named module. Steelyard's jars are automatic modules with stable
 * names, so a host requires them by name; automatic modules declare no dependencies of their
 * own, so the host runs with --add-modules ALL-MODULE-PATH to resolve Netty, Caffeine and the rest.
 */
module host {
  requires io.steelyard.lb;
  requires io.steelyard.vrrp;
}
