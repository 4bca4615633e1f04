package io.steelyard.vrrp.state;

/** Why an instance changed {@linkplain State state}; every {@link Transition} carries one. */
public enum Reason {
  /** Started: Initialize to Backup. */
  STARTED,

  /** The address owner (priority 255) started or recovered: straight to Master. */
  ADDRESS_OWNER,

  /**
   * No advert from a master within Master_Down_Interval (or, for an instance configured {@code
   * state MASTER}, within one advert interval after start): Backup to Master.
   */
  MASTER_NO_RESPONSE,

  /** The master sent priority 0 and this backup took over after its skew time. */
  MASTER_STEPPED_DOWN,

  /**
   * This backup outranks the master, ignored its adverts (preempt mode, any preempt delay over),
   * and took over when its timer ran out.
   */
  PREEMPTED,

  /** Master to Backup: an advert with a higher priority arrived. */
  HIGHER_PRIORITY,

  /** Master to Backup: an advert with the same priority from a higher primary address arrived. */
  HIGHER_ADDRESS,

  /** A tracked check of weight 0 went down, or had not reported when the instance started. */
  TRACK_DOWN,

  /** Every tracked check of weight 0 is up again: Fault to Backup (or Master for the owner). */
  TRACK_UP,

  /** The interface went down or lost its link: to Fault. */
  INTERFACE_DOWN,

  /** The interface is up and running again: Fault to Backup (or Master for the owner). */
  INTERFACE_UP,

  /** Stopped by its owner. */
  STOPPED
}
