package io.steelyard.vrrp.packet;

import static java.util.Objects.requireNonNull;

import java.net.Inet4Address;

/**
 * What a {@link ReceiveFilter} decided about one received packet: {@link Accepted} with the
 * advertisement and its sender, or {@link Dropped} with the reason.
 */
public sealed interface Verdict permits Verdict.Accepted, Verdict.Dropped {

  /** Whether the packet passed every check. */
  boolean accepted();

  /**
   * A valid advertisement for this instance.
   *
   * @param source the IP source address, the sender's primary address, which breaks ties between
   *     equal priorities
   * @param advertisement the advertisement
   */
  record Accepted(Inet4Address source, Advertisement advertisement) implements Verdict {
    /** Checks that neither is null. */
    public Accepted {
      requireNonNull(source, "source");
      requireNonNull(advertisement, "advertisement");
    }

    @Override
    public boolean accepted() {
      return true;
    }
  }

  /**
   * A dropped packet.
   *
   * @param reason the first check it failed
   */
  record Dropped(DropReason reason) implements Verdict {
    /** Checks that the reason is not null. */
    public Dropped {
      requireNonNull(reason, "reason");
    }

    @Override
    public boolean accepted() {
      return false;
    }
  }
}
