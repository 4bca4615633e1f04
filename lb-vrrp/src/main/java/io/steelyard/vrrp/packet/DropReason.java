package io.steelyard.vrrp.packet;

/**
 * Why a {@link ReceiveFilter} dropped a received packet. The constants are in the order of the
 * checks, which is keepalived 2.2.7's ({@code vrrp_get_header}, the VRID lookup of {@code
 * vrrp_dispatcher_read}, then {@code vrrp_check_packet}): a packet is dropped for the first check
 * it fails.
 */
public enum DropReason {
  /** Shorter than an IPv4 header followed by the 8-byte VRRP header. */
  TOO_SHORT("too short"),

  /**
   * Not IPv4, an IP header shorter than 20 bytes, or a protocol other than 112: a raw VRRP socket
   * never delivers such a packet, keepalived does not check, Steelyard does so that any bytes are
   * safe to give it.
   */
  NOT_VRRP("not an IPv4 VRRP packet"),

  /**
   * For another virtual router. keepalived ignores these silently unless {@code log_unknown_vrids}
   * is set; Steelyard counts them and logs them at debug level.
   */
  OTHER_VRID("for another virtual router"),

  /**
   * Not exactly the length that the address count announces (IP header + 8 + 4 per address + 8 of
   * authentication data when the packet says VRRPv2).
   */
  LENGTH("wrong length"),

  /**
   * A TTL other than 255: the packet may come from beyond the link. Not checked with unicast
   * peers, which may be routed, as keepalived does not.
   */
  TTL("TTL is not 255"),

  /** The other VRRP version. */
  VERSION("wrong VRRP version"),

  /** VRRPv2: an authentication type that is none of 0 (none), 1 (PASS) and 2 (AH). */
  AUTH_TYPE_INVALID("invalid authentication type"),

  /** VRRPv2: a valid authentication type, but not the configured one. */
  AUTH_TYPE_MISMATCH("authentication type mismatch"),

  /** VRRPv2 with PASS: the authentication data is not the configured password. */
  AUTH_FAILURE("wrong password"),

  /**
   * VRRPv2: another advertisement interval. keepalived drops these "to prevent concurrent VRID
   * running", and so does RFC 3768. (VRRPv3 backups adopt the master's interval instead.)
   */
  ADVERT_INTERVAL("advertisement interval mismatch"),

  /** A VRRP type other than 1, ADVERTISEMENT. */
  TYPE("not an advertisement"),

  /** Not as many addresses as configured. */
  ADDRESS_COUNT("wrong address count"),

  /** The IP header's total length is not the number of bytes received. */
  IP_TOTAL_LENGTH("IP total length mismatch"),

  /** The VRRP checksum is wrong (VRRPv3: with the pseudo-header). */
  CHECKSUM("bad checksum"),

  /** Sent to a unicast address, while this instance speaks multicast. */
  NOT_MULTICAST("not multicast"),

  /** Sent to a multicast address, while this instance has unicast peers. */
  NOT_UNICAST("multicast while unicast peers are configured"),

  /** A configured virtual address is not among those of the advertisement. */
  ADDRESS_MISSING("virtual address missing");

  private final String description;

  DropReason(String description) {
    this.description = description;
  }

  /** A few words for log lines, such as {@code wrong password}. */
  public String description() {
    return description;
  }
}
