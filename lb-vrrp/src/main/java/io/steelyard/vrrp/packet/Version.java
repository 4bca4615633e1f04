package io.steelyard.vrrp.packet;

/**
 * The VRRP versions Steelyard speaks over IPv4. Both carry the same election; they differ in the
 * unit of the advertisement interval, in authentication and in the checksum.
 */
public enum Version {
  /**
   * VRRPv2 (RFC 3768): the advertisement interval is one byte of whole seconds; an advertisement
   * ends with 8 bytes of authentication data, which keepalived fills with the RFC 2338 simple
   * password ({@code auth_type PASS}) although RFC 3768 removed authentication; the checksum covers
   * the VRRP message only, authentication data included.
   */
  V2(2),

  /**
   * VRRPv3 (RFC 5798, obsoleted by RFC 9568 without a change on the wire): the advertisement
   * interval is 12 bits of centiseconds, there is no authentication, and the checksum also covers
   * the IPv4 pseudo-header (source, destination, zero, protocol 112, VRRP length). Backups adopt
   * the interval the master advertises.
   */
  V3(3);

  private final int number;

  Version(int number) {
    this.number = number;
  }

  /** The number in the high nibble of the first byte: 2 or 3. */
  public int number() {
    return number;
  }

  /**
   * The version with that number.
   *
   * @throws IllegalArgumentException if it is neither 2 nor 3
   */
  public static Version of(int number) {
    switch (number) {
      case 2:
        return V2;
      case 3:
        return V3;
      default:
        throw new IllegalArgumentException("VRRP version must be 2 or 3: " + number);
    }
  }
}
