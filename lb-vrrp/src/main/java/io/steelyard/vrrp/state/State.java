package io.steelyard.vrrp.state;

/**
 * The states of a VRRP instance: RFC 3768/5798's Initialize, Backup and Master, and keepalived's
 * Fault and Stop.
 */
public enum State {
  /** Configured, not started yet: tracking results are recorded, nothing is sent. */
  INITIALIZE,

  /** Listening to the master; takes over when it falls silent for Master_Down_Interval. */
  BACKUP,

  /** Holds the virtual addresses and advertises every advertisement interval. */
  MASTER,

  /**
   * A tracked check of weight 0 is down (or has not reported yet): the instance neither holds the
   * addresses nor listens to adverts until it recovers.
   */
  FAULT,

  /** Stopped for good, after a priority-0 advert and releasing the addresses if it was master. */
  STOP
}
