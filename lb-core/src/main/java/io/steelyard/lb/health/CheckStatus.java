package io.steelyard.lb.health;

/**
 * How one check ended, with HAProxy's abbreviations ({@code check_status} in {@code show stat})
 * and descriptions ({@code check_desc}, and the {@code reason} of a logged transition).
 *
 * <p>The layer says how far the check got: 4 is the TCP connection, 6 the TLS handshake, 7 the
 * exchange of the check's rules. Only the layer-7 outcomes that carry a response code ({@link
 * #L7OK}, {@link #L7STS}) show one. HAProxy's conditional pass, {@code L7OKC}, which sets a server
 * to drain, is not one of Steelyard's.
 */
public enum CheckStatus {
  /** The connection was made, and nothing more was asked. */
  L4OK("Layer4 check passed", true),
  /** The connection was not made in time. */
  L4TOUT("Layer4 timeout", false),
  /** The connection was refused or could not be made. */
  L4CON("Layer4 connection problem", false),
  /** The TLS handshake was made, and nothing more was asked. */
  L6OK("Layer6 check passed", true),
  /** The TLS handshake did not finish in time. */
  L6TOUT("Layer6 timeout", false),
  /** The TLS handshake failed. */
  L6RSP("Layer6 invalid response", false),
  /** The server did not answer as the rules expect in time. */
  L7TOUT("Layer7 timeout", false),
  /** The server's answer was not the protocol's. */
  L7RSP("Layer7 invalid response", false),
  /** Every rule passed. */
  L7OK("Layer7 check passed", true),
  /** The server answered in its protocol, with an error. */
  L7STS("Layer7 wrong status", false),
  /** The connection failed after it was made, before the check could tell anything. */
  SOCKERR("Socket error", false),
  /** Live connections failed {@code error-limit} times in a row ({@code observe layer4}). */
  HANA("Health analyze", false),
  /** An agent answered without a word about health: nothing changes. */
  CHECKED("No status change", false);

  private final String description;
  private final boolean passed;

  CheckStatus(String description, boolean passed) {
    this.description = description;
    this.passed = passed;
  }

  /** HAProxy's words for it, such as {@code Layer7 wrong status}. */
  public String description() {
    return description;
  }

  /** Whether the check counts as passed. */
  public boolean passed() {
    return passed;
  }

  /** Whether HAProxy shows a response code with it ({@code check_code}, {@code code: N}). */
  public boolean hasCode() {
    return this == L7OK || this == L7STS;
  }

  /**
   * The status HAProxy calls {@code name} (in any case), as the argument of {@code keyword}; one of
   * {@code allowed}, or an exception naming both.
   */
  public static CheckStatus of(String keyword, String name, java.util.Set<CheckStatus> allowed) {
    for (CheckStatus status : allowed) {
      if (status.name().equalsIgnoreCase(name)) {
        return status;
      }
    }
    String expected =
        allowed.stream().map(Enum::name).sorted().collect(java.util.stream.Collectors.joining(", "));
    String unsupported =
        name.equalsIgnoreCase("L7OKC")
            ? " (HAProxy's conditional pass is not supported by Steelyard)"
            : "";
    throw new IllegalArgumentException(
        "'" + keyword + "' expects one of " + expected + " but got '" + name + "'" + unsupported);
  }
}
