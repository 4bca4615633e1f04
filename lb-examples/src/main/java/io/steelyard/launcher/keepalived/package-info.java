/**
 * keepalived.conf, read into Steelyard's VRRP builders: {@link KeepalivedConfig} and its blocks
 * ({@code global_defs}, {@code vrrp_script}, {@code vrrp_instance}) with keepalived 2.2.7's syntax
 * and defaults, each mistake an error at its file:line.
 */
package io.steelyard.launcher.keepalived;
