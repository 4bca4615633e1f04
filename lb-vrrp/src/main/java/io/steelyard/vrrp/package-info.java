/**
 * VRRP v2/v3 for Steelyard: moves a virtual IP between balancer hosts, wire-compatible with
 * keepalived. Filled in by the VRRP issue; today this module holds no code.
 */
package io.steelyard.vrrp;
