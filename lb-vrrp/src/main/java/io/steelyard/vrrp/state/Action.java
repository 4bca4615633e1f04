package io.steelyard.vrrp.state;

import java.util.List;

/**
 * What the {@link VrrpMachine} asks its runner to do, in order, at the time of the call that
 * returned it. The machine performs nothing itself; the runner sends the packets, changes the
 * addresses and tells the {@link StateListener}s.
 */
public sealed interface Action
    permits Action.SendAdvert,
        Action.AddAddresses,
        Action.RemoveAddresses,
        Action.SendGratuitousArps,
        Action.PriorityChange,
        Action.ChangeAddresses,
        Transition {

  /**
   * Send one advertisement with this priority: the effective priority while master, 0 when
   * stepping down (stop, fault).
   *
   * @param priority 0 to 255
   */
  record SendAdvert(int priority) implements Action {}

  /** Add the virtual addresses to the interface: entering Master. */
  record AddAddresses() implements Action {}

  /** Delete the virtual addresses from the interface: leaving Master. */
  record RemoveAddresses() implements Action {}

  /**
   * Send gratuitous ARPs for every virtual address, {@code repeat} of them each: 5 on becoming
   * master and 5 more 5 seconds later (keepalived's {@code garp_master_repeat} and {@code
   * garp_master_delay}), and the same after a lower-priority advert while master.
   *
   * @param repeat how many per address
   */
  record SendGratuitousArps(int repeat) implements Action {}

  /**
   * The effective priority changed, because of tracking or an address-owner conflict; later adverts
   * carry the new one.
   *
   * @param from the previous effective priority
   * @param to the new one
   */
  record PriorityChange(int from, int to) implements Action {}

  /**
   * A master's virtual addresses changed with its configuration: delete {@code removed}, add
   * {@code added} and announce them with gratuitous ARPs ({@code repeat} each).
   *
   * @param added addresses to add
   * @param removed addresses to delete
   * @param repeat gratuitous ARPs per added address
   */
  record ChangeAddresses(List<VirtualAddress> added, List<VirtualAddress> removed, int repeat)
      implements Action {
    public ChangeAddresses {
      added = List.copyOf(added);
      removed = List.copyOf(removed);
    }
  }
}
