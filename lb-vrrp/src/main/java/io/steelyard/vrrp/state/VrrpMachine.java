package io.steelyard.vrrp.state;

import static java.util.Objects.requireNonNull;

import io.steelyard.vrrp.packet.Advertisement;
import io.steelyard.vrrp.packet.Version;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VRRP state machine of one instance, as keepalived 2.2.7 runs it: events and the current time
 * go in, {@link Action}s come out. It owns no socket, no thread and no clock: the runner calls it
 * with {@link System#nanoTime}, performs the returned actions in order, and calls {@link #tick}
 * when {@link #nextDeadline()} comes. Tests drive it in simulated time. Not thread-safe: call it
 * from one thread at a time.
 *
 * <h2>Timers</h2>
 *
 * <p>The master advertises every advertisement interval. A backup takes over when no acceptable
 * advert arrived for Master_Down_Interval = 3 × Master_Adver_Interval + Skew_Time, where the skew
 * makes higher priorities time out first:
 *
 * <ul>
 *   <li>VRRPv2: Skew_Time = (256 − priority) / 256 s; Master_Adver_Interval is the configured
 *       interval (adverts with another interval are dropped by the receive filter);
 *   <li>VRRPv3: Skew_Time = (256 − priority) × Master_Adver_Interval / 256, and a backup adopts
 *       the interval each accepted advert carries as its Master_Adver_Interval. RFC 5798 (and RFC 9568,
 *       which renames Master to Active) counts in centiseconds; keepalived, and this machine, in
 *       microseconds (priority 100 at 1 s:
 *       609.375 ms rather than 600 ms).
 * </ul>
 *
 * <h2>Rules</h2>
 *
 * <ul>
 *   <li><b>Start.</b> The address owner (priority 255, {@code state MASTER}) becomes master at
 *       once. A {@code state MASTER} instance below 255 enters Backup and takes over after one
 *       advert interval plus the minimum skew (1/256 of a second in VRRPv2, 1/256 of the interval
 *       in VRRPv3; keepalived's {@code VRRP_TIMER_SKEW_MIN}) unless an advert it must accept
 *       arrives first. A {@code state BACKUP} instance waits the whole Master_Down_Interval. An
 *       instance with a weight-0 track that is down, or has not reported, starts in Fault.
 *   <li><b>Becoming master:</b> an advert, the addresses, 5 gratuitous ARPs per address, and 5
 *       more 5 s later.
 *   <li><b>Backup receiving</b> priority 0: the timer is set to Skew_Time, for a fast takeover.
 *       Any other priority is accepted (timer restarted) if this instance does not preempt ({@code
 *       nopreempt}), if the priority is at least its own, or while a preempt delay runs (started by
 *       the first lower-priority advert); otherwise the advert is ignored and the backup takes over
 *       when the timer runs out. Equal priorities are accepted: the tie-break by address happens
 *       between masters.
 *   <li><b>Master receiving</b> priority 0: it answers with an advert at once. A higher priority,
 *       or an equal one from a higher primary address (compared as unsigned numbers): Backup, the
 *       addresses removed. A lower priority, or an equal one from a lower address: it answers with
 *       an advert and gratuitous ARPs (5, and 5 more after 5 s), where RFC 5798 would stay silent;
 *       this is keepalived's default ({@code lower_prio_no_advert false}). Two owners at 255: this
 *       one lowers its priority to 254 and yields, as keepalived does.
 *   <li><b>Tracking</b> ({@link Track}): weights move the effective priority between 1 and 254 (the
 *       owner ignores them), a backup's timer moving with its skew; a weight-0 track going down
 *       means Fault (a master first sends priority 0 and removes the addresses); when every
 *       weight-0 track is up again the instance enters Backup with a fresh Master_Down timer, or
 *       Master at once if it is the owner.
 *   <li><b>Stop:</b> a master sends priority 0 and removes the addresses; every state ends in Stop.
 * </ul>
 *
 * <p>Where this machine differs from keepalived, knowingly: it sends one priority-0 advert on
 * entering Fault from Master (keepalived sends two, back to back); a master restarts its advert
 * timer only when it sends (keepalived also on an advert from its own address or one that failed
 * validation); a second lower-priority advert within 5 s reschedules the pending gratuitous ARPs
 * rather than adding another batch; after an owner conflict the tracking weights apply to the new
 * priority 254.
 */
public final class VrrpMachine {
  private static final Logger LOG = LoggerFactory.getLogger(VrrpMachine.class);

  /** Gratuitous ARPs per address on becoming master, and again after {@link #GARP_DELAY}. */
  public static final int GARP_REPEAT = 5;

  /** The delay of the second batch of gratuitous ARPs (keepalived's {@code garp_master_delay}). */
  public static final Duration GARP_DELAY = Duration.ofSeconds(5);

  private static final int DOWN_TIMER_ADVERTS = 3;
  private static final long MICROS_PER_SECOND = 1_000_000;
  private static final long MICROS_PER_CENTI = 10_000;
  private static final Action ADD_ADDRESSES = new Action.AddAddresses();
  private static final Action REMOVE_ADDRESSES = new Action.RemoveAddresses();
  private static final Action GARPS = new Action.SendGratuitousArps(GARP_REPEAT);

  private InstanceConfig config;
  private final int primaryAddress;
  private final boolean v3;
  private final long advertIntervalMicros;
  private long preemptDelayNanos;
  private final List<TrackState> tracks = new ArrayList<>();
  private final Map<String, TrackState> tracksByName = new HashMap<>();

  private State state = State.INITIALIZE;
  private int basePriority;
  private int effectivePriority;
  private long masterAdvertIntervalMicros;

  /** keepalived's {@code sands}: Master_Down as backup, the next advert as master. */
  private boolean timerArmed;
  private long timerAt;
  /** Whether the backup timer contains this instance's skew, which moves with the priority. */
  private boolean timerSkewed;
  /** The delayed gratuitous ARPs, armed only while master. */
  private boolean garpArmed;
  private long garpAt;
  /** The end of the preempt delay; armed only in Backup, cleared whenever Backup is left. */
  private boolean preemptArmed;
  private long preemptAt;
  private Reason takeoverReason = Reason.MASTER_NO_RESPONSE;
  private String takeoverDetail = "";
  /** Whether the interface is up and running, as last reported; Fault while it is not. */
  private boolean interfaceUp = true;

  private VrrpMachine(InstanceConfig config, Inet4Address primaryAddress) {
    this.config = config;
    this.primaryAddress = toInt(primaryAddress);
    this.v3 = config.version() == Version.V3;
    this.advertIntervalMicros = TimeUnit.NANOSECONDS.toMicros(config.advertInterval().toNanos());
    this.preemptDelayNanos = config.preemptDelay().toNanos();
    for (Track track : config.tracks()) {
      TrackState t = new TrackState(track);
      tracks.add(t);
      tracksByName.put(track.name(), t);
    }
    this.basePriority = config.priority();
    this.effectivePriority = computeEffectivePriority();
    this.masterAdvertIntervalMicros = advertIntervalMicros;
  }

  /**
   * A machine in {@link State#INITIALIZE} for this instance on a host whose primary address on the
   * interface (the source of its adverts, which breaks ties between equal priorities) is {@code
   * primaryAddress}.
   */
  public static VrrpMachine create(InstanceConfig config, Inet4Address primaryAddress) {
    requireNonNull(config, "config");
    requireNonNull(primaryAddress, "primaryAddress");
    return new VrrpMachine(config, primaryAddress);
  }

  /** The configuration. */
  public InstanceConfig config() {
    return config;
  }

  /** The current state. */
  public State state() {
    return state;
  }

  /** The priority adverts carry: the configured one moved by tracking, 1 to 254, or 255. */
  public int effectivePriority() {
    return effectivePriority;
  }

  /**
   * The master's advertisement interval as this instance knows it: its own, or in VRRPv3 as a
   * backup, the one the master advertises.
   */
  public Duration masterAdvertInterval() {
    return Duration.ofNanos(masterAdvertIntervalMicros * 1000);
  }

  /** Skew_Time at the current effective priority and master interval. */
  public Duration skewTime() {
    return Duration.ofNanos(skewMicros(effectivePriority) * 1000);
  }

  /** Master_Down_Interval: 3 × {@link #masterAdvertInterval} + {@link #skewTime}. */
  public Duration masterDownInterval() {
    return Duration.ofNanos(masterDownMicros() * 1000);
  }

  /**
   * When {@link #tick} has something to do, on the {@link System#nanoTime} scale of the calls;
   * empty when no timer runs (Initialize, Fault, Stop).
   */
  public OptionalLong nextDeadline() {
    if (timerArmed && garpArmed) {
      return OptionalLong.of(garpAt - timerAt < 0 ? garpAt : timerAt);
    }
    if (timerArmed) {
      return OptionalLong.of(timerAt);
    }
    return garpArmed ? OptionalLong.of(garpAt) : OptionalLong.empty();
  }

  /**
   * Starts the instance: Initialize to Master (the owner), Backup, or Fault (a weight-0 track is
   * not up).
   *
   * @throws IllegalStateException if it was started before
   */
  public List<Action> start(long nanoTime) {
    if (state != State.INITIALIZE) {
      throw new IllegalStateException("(" + config.name() + ") already started: " + state);
    }
    List<Action> actions = new ArrayList<>();
    TrackState down = firstFaultTrack();
    if (!interfaceUp) {
      state = State.FAULT;
      actions.add(new Transition(State.INITIALIZE, State.FAULT, Reason.INTERFACE_DOWN, ""));
    } else if (down != null) {
      state = State.FAULT;
      actions.add(new Transition(State.INITIALIZE, State.FAULT, Reason.TRACK_DOWN,
          down.describe()));
    } else if (config.initialState() == State.MASTER
        && basePriority == InstanceConfig.OWNER_PRIORITY) {
      becomeMaster(nanoTime, Reason.ADDRESS_OWNER, "priority 255", actions);
    } else {
      state = State.BACKUP;
      takeoverReason = Reason.MASTER_NO_RESPONSE;
      if (config.initialState() == State.MASTER) {
        takeoverDetail = "state MASTER, no advert within one interval of start";
        // keepalived's VRRP_TIMER_SKEW_MIN: the skew of priority 255, 1/256 of the interval.
        armTimer(nanoTime, advertIntervalMicros + skewMicros(InstanceConfig.OWNER_PRIORITY),
            false);
      } else {
        takeoverDetail = "no advert since start";
        armTimer(nanoTime, masterDownMicros(), true);
      }
      actions.add(new Transition(State.INITIALIZE, State.BACKUP, Reason.STARTED, ""));
    }
    return done(actions);
  }

  /**
   * An advertisement that passed the {@linkplain io.steelyard.vrrp.packet.ReceiveFilter receive
   * filter}, from {@code source}. Ignored unless in Backup or Master.
   */
  public List<Action> advertReceived(long nanoTime, Inet4Address source, Advertisement advert) {
    requireNonNull(source, "source");
    requireNonNull(advert, "advert");
    if (state == State.BACKUP) {
      backupReceived(nanoTime, toInt(source), advert);
      return List.of();
    }
    if (state == State.MASTER) {
      return done(masterReceived(nanoTime, toInt(source), advert));
    }
    return List.of();
  }

  /**
   * Runs the timers that are due at {@code nanoTime}: a backup's Master_Down timer (it becomes
   * master), a master's advert timer, the delayed gratuitous ARPs. Nothing happens before {@link
   * #nextDeadline()}.
   */
  public List<Action> tick(long nanoTime) {
    List<Action> actions = new ArrayList<>();
    if (garpArmed && garpAt - nanoTime <= 0) {
      garpArmed = false;
      actions.add(GARPS);
    }
    if (timerArmed && timerAt - nanoTime <= 0) {
      if (state == State.BACKUP) {
        becomeMaster(nanoTime, takeoverReason, takeoverDetail, actions);
      } else {
        actions.add(new Action.SendAdvert(effectivePriority));
        armTimer(nanoTime, advertIntervalMicros, false);
      }
    }
    return done(actions);
  }

  /**
   * One result of a tracked check (see {@link Track}): it may bring the check up or down, which
   * may change the effective priority or enter or leave Fault. Results before {@link #start} count
   * too; after {@link #stop} they are ignored.
   *
   * @throws IllegalArgumentException if no track has that name
   */
  public List<Action> trackResult(long nanoTime, String track, boolean passed) {
    requireNonNull(track, "track");
    TrackState t = tracksByName.get(track);
    if (t == null) {
      throw new IllegalArgumentException(
          "(" + config.name() + ") no track named '" + track + "': " + tracksByName.keySet());
    }
    if (state == State.STOP || !t.record(passed)) {
      return List.of();
    }
    List<Action> actions = new ArrayList<>();
    if (t.track.weight() != 0) {
      updatePriority(actions);
    } else if (!t.up && (state == State.BACKUP || state == State.MASTER)) {
      enterFault(Reason.TRACK_DOWN, t.describe(), true, actions);
    } else if (t.up && state == State.FAULT && interfaceUp && firstFaultTrack() == null) {
      leaveFault(nanoTime, Reason.TRACK_UP, t.describe(), actions);
    }
    return done(actions);
  }

  /**
   * The interface went down or came back up (keepalived's test: {@code IFF_UP} and {@code
   * IFF_RUNNING} both set, or not). Down puts a Backup or Master in Fault, a master giving up the
   * addresses without an advert, since none can leave a down interface; up again, with no weight-0
   * track down, brings it back to Backup (the owner to Master) for a normal election. Reports
   * before {@link #start} count too; after {@link #stop}, and when nothing changed, nothing
   * happens.
   */
  public List<Action> interfaceChanged(long nanoTime, boolean up) {
    if (up == interfaceUp || state == State.STOP) {
      return List.of();
    }
    interfaceUp = up;
    List<Action> actions = new ArrayList<>();
    if (!up && (state == State.BACKUP || state == State.MASTER)) {
      enterFault(Reason.INTERFACE_DOWN, "", false, actions);
    } else if (up && state == State.FAULT && firstFaultTrack() == null) {
      leaveFault(nanoTime, Reason.INTERFACE_UP, "", actions);
    }
    return done(actions);
  }

  /**
   * Takes {@code next}'s priority, virtual addresses, initial state, preemption and tracks, as
   * keepalived does on a reload, without leaving its state: a master whose new priority is below a
   * backup's is preempted by that backup at its next advert, not before; a master changes the
   * addresses on the interface ({@link Action.ChangeAddresses}); a backup that now outranks the
   * master (with preemption) takes over when its timer runs out. A track that stays keeps its
   * result under its new weight, rise and fall; a new one counts once it reports; one removed no
   * longer counts (leaving Fault if it held the instance there). Peers must carry the same
   * addresses: each drops the other's adverts while the lists differ, as keepalived does.
   *
   * @throws IllegalArgumentException naming what {@code next} changes that cannot change in place
   *     ({@link InstanceConfig#fixedDifferences})
   */
  public List<Action> reconfigure(long nanoTime, InstanceConfig next) {
    requireNonNull(next, "next");
    List<String> fixed = config.fixedDifferences(next);
    if (!fixed.isEmpty()) {
      throw new IllegalArgumentException("(" + config.name() + ") cannot change in place: "
          + String.join(", ", fixed));
    }
    List<Action> actions = new ArrayList<>();
    if (state == State.MASTER && !next.virtualAddresses().equals(config.virtualAddresses())) {
      List<VirtualAddress> added = new ArrayList<>(next.virtualAddresses());
      added.removeAll(config.virtualAddresses());
      List<VirtualAddress> removed = new ArrayList<>(config.virtualAddresses());
      removed.removeAll(next.virtualAddresses());
      actions.add(new Action.ChangeAddresses(added, removed, GARP_REPEAT));
    }
    config = next;
    preemptDelayNanos = next.preemptDelay().toNanos();
    basePriority = next.priority();
    List<TrackState> kept = new ArrayList<>();
    for (Track track : next.tracks()) {
      TrackState before = tracksByName.get(track.name());
      kept.add(before == null ? new TrackState(track) : before.with(track));
    }
    tracks.clear();
    tracksByName.clear();
    for (TrackState t : kept) {
      tracks.add(t);
      tracksByName.put(t.track.name(), t);
    }
    updatePriority(actions);
    TrackState down = firstFaultTrack();
    if (down != null && down.reported && (state == State.BACKUP || state == State.MASTER)) {
      enterFault(Reason.TRACK_DOWN, down.describe(), true, actions);
    } else if (down == null && state == State.FAULT && interfaceUp) {
      leaveFault(nanoTime, Reason.TRACK_UP, "tracks reconfigured", actions);
    }
    return done(actions);
  }

  /**
   * Stops the instance for good: a master sends priority 0 and removes the addresses. Stopping a
   * stopped instance does nothing.
   */
  public List<Action> stop(long nanoTime) {
    if (state == State.STOP) {
      return List.of();
    }
    List<Action> actions = new ArrayList<>();
    if (state == State.MASTER) {
      actions.add(new Action.SendAdvert(0));
      actions.add(REMOVE_ADDRESSES);
    }
    actions.add(new Transition(state, State.STOP, Reason.STOPPED, ""));
    state = State.STOP;
    timerArmed = false;
    garpArmed = false;
    return done(actions);
  }

  @Override
  public String toString() {
    return "VrrpMachine(" + config.name() + " " + state + " priority " + effectivePriority + ")";
  }

  private void backupReceived(long now, int source, Advertisement advert) {
    int priority = advert.priority();
    if (priority == 0) {
      armTimer(now, skewMicros(effectivePriority), true);
      takeoverReason = Reason.MASTER_STEPPED_DOWN;
      takeoverDetail = peer(source, 0);
      return;
    }
    boolean accept = !config.preempt()
        || priority >= effectivePriority
        || (preemptDelayNanos > 0 && (!preemptArmed || preemptAt - now > 0));
    if (!accept) {
      takeoverReason = Reason.PREEMPTED;
      takeoverDetail = peer(source, priority) + ", ours " + effectivePriority;
      return;
    }
    if (v3) {
      masterAdvertIntervalMicros = advert.advertInterval() * MICROS_PER_CENTI;
    }
    armTimer(now, masterDownMicros(), true);
    takeoverReason = Reason.MASTER_NO_RESPONSE;
    takeoverDetail = "last advert from " + peer(source, priority);
    if (preemptDelayNanos > 0) {
      if (priority >= effectivePriority) {
        preemptArmed = false;
      } else if (!preemptArmed) {
        preemptArmed = true;
        preemptAt = now + preemptDelayNanos;
      }
    }
  }

  private List<Action> masterReceived(long now, int source, Advertisement advert) {
    int priority = advert.priority();
    List<Action> actions = new ArrayList<>();
    if (priority == 0) {
      actions.add(new Action.SendAdvert(effectivePriority));
      armTimer(now, advertIntervalMicros, false);
      return actions;
    }
    int cmp = Integer.compareUnsigned(source, primaryAddress);
    if (priority == effectivePriority) {
      if (cmp == 0) {
        LOG.debug("({}) equal priority advert received from a host with our address {}",
            config.name(), format(source));
        return actions;
      }
      if (effectivePriority == InstanceConfig.OWNER_PRIORITY) {
        LOG.warn("({}) CONFIGURATION ERROR: {} and this instance are both configured as address"
            + " owner, please fix; reducing local priority to 254", config.name(),
            format(source));
        basePriority = InstanceConfig.OWNER_PRIORITY - 1;
        updatePriority(actions);
      }
    }
    if (priority < effectivePriority || (priority == effectivePriority && cmp < 0)) {
      actions.add(new Action.SendAdvert(effectivePriority));
      actions.add(GARPS);
      armGarp(now);
      armTimer(now, advertIntervalMicros, false);
      return actions;
    }
    if (v3) {
      masterAdvertIntervalMicros = advert.advertInterval() * MICROS_PER_CENTI;
    }
    state = State.BACKUP;
    garpArmed = false;
    armTimer(now, masterDownMicros(), true);
    takeoverReason = Reason.MASTER_NO_RESPONSE;
    takeoverDetail = "last advert from " + peer(source, priority);
    actions.add(REMOVE_ADDRESSES);
    actions.add(new Transition(State.MASTER, State.BACKUP,
        priority > effectivePriority ? Reason.HIGHER_PRIORITY : Reason.HIGHER_ADDRESS,
        peer(source, priority) + ", ours " + effectivePriority));
    return actions;
  }

  private void becomeMaster(long now, Reason reason, String detail, List<Action> actions) {
    State from = state;
    state = State.MASTER;
    masterAdvertIntervalMicros = advertIntervalMicros;
    preemptArmed = false;
    armTimer(now, advertIntervalMicros, false);
    armGarp(now);
    actions.add(new Action.SendAdvert(effectivePriority));
    actions.add(ADD_ADDRESSES);
    actions.add(GARPS);
    actions.add(new Transition(from, State.MASTER, reason, detail));
  }

  private void enterFault(Reason reason, String detail, boolean advertise,
      List<Action> actions) {
    if (state == State.MASTER) {
      if (advertise) {
        actions.add(new Action.SendAdvert(0));
      }
      actions.add(REMOVE_ADDRESSES);
    }
    actions.add(new Transition(state, State.FAULT, reason, detail));
    state = State.FAULT;
    timerArmed = false;
    garpArmed = false;
    preemptArmed = false;
  }

  private void leaveFault(long now, Reason reason, String detail, List<Action> actions) {
    masterAdvertIntervalMicros = advertIntervalMicros;
    if (config.initialState() == State.MASTER
        && basePriority == InstanceConfig.OWNER_PRIORITY) {
      becomeMaster(now, reason, detail, actions);
      return;
    }
    state = State.BACKUP;
    takeoverReason = Reason.MASTER_NO_RESPONSE;
    takeoverDetail = "no advert since leaving Fault";
    armTimer(now, masterDownMicros(), true);
    actions.add(new Transition(State.FAULT, State.BACKUP, reason, detail));
  }

  private void updatePriority(List<Action> actions) {
    int updated = computeEffectivePriority();
    if (updated == effectivePriority) {
      return;
    }
    int previous = effectivePriority;
    effectivePriority = updated;
    if (state == State.BACKUP && timerSkewed) {
      timerAt += (skewMicros(updated) - skewMicros(previous)) * 1000;
    }
    actions.add(new Action.PriorityChange(previous, updated));
  }

  private int computeEffectivePriority() {
    if (basePriority == InstanceConfig.OWNER_PRIORITY) {
      return basePriority;
    }
    int total = basePriority;
    for (TrackState t : tracks) {
      int weight = t.track.weight();
      if ((weight > 0 && t.reported && t.up) || (weight < 0 && t.reported && !t.up)) {
        total += weight;
      }
    }
    return Math.max(1, Math.min(InstanceConfig.OWNER_PRIORITY - 1, total));
  }

  private @Nullable TrackState firstFaultTrack() {
    for (TrackState t : tracks) {
      if (t.track.weight() == 0 && !t.up) {
        return t;
      }
    }
    return null;
  }

  /** keepalived's {@code VRRP_TIMER_SKEW_CALC}, in microseconds. */
  private long skewMicros(int priority) {
    long factor = 256 - priority;
    if (v3) {
      return factor * (masterAdvertIntervalMicros / MICROS_PER_CENTI) * 625 / 16;
    }
    return factor * MICROS_PER_SECOND / 256;
  }

  private long masterDownMicros() {
    return DOWN_TIMER_ADVERTS * masterAdvertIntervalMicros + skewMicros(effectivePriority);
  }

  private void armTimer(long now, long micros, boolean skewed) {
    timerArmed = true;
    timerAt = now + micros * 1000;
    timerSkewed = skewed;
  }

  private void armGarp(long now) {
    garpArmed = true;
    garpAt = now + GARP_DELAY.toNanos();
  }

  private static List<Action> done(List<Action> actions) {
    return actions.isEmpty() ? List.of() : Collections.unmodifiableList(actions);
  }

  private static String peer(int address, int priority) {
    return format(address) + " priority " + priority;
  }

  private static int toInt(Inet4Address address) {
    byte[] b = address.getAddress();
    return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
  }

  private static String format(int address) {
    return (address >>> 24) + "." + (address >>> 16 & 0xff) + "." + (address >>> 8 & 0xff) + "."
        + (address & 0xff);
  }

  /**
   * One tracked check, counted as keepalived counts a {@code vrrp_script}'s results: the counter
   * starts at {@code rise - 1}, so the first result decides; up, it sits at {@code rise + fall -
   * 1} and each failure takes one off until the {@code fall}-th takes the check down to 0; down,
   * each success adds one until the {@code rise}-th brings it up.
   */
  private static final class TrackState {
    final Track track;
    int result;
    boolean reported;
    boolean up;

    TrackState(Track track) {
      this.track = track;
      this.result = track.rise() - 1;
    }

    /** Counts a result; whether the check went up or down. */
    boolean record(boolean passed) {
      int rise = track.rise();
      boolean changed;
      if (passed) {
        if (result < rise - 1) {
          result++;
          return false;
        }
        changed = result < rise;
        result = rise + track.fall() - 1;
      } else {
        if (result > rise) {
          result--;
          return false;
        }
        changed = result == rise || !reported;
        result = 0;
      }
      if (changed) {
        reported = true;
        up = passed;
      }
      return changed;
    }

    /** The same check under {@code changed}'s weight, rise and fall, keeping its result. */
    TrackState with(Track changed) {
      TrackState t = new TrackState(changed);
      t.reported = reported;
      t.up = up;
      if (reported) {
        t.result = up ? changed.rise() + changed.fall() - 1 : 0;
      }
      return t;
    }

    String describe() {
      return "track '" + track.name() + "' " + (!reported ? "has not reported" : up ? "is up"
          : "is down");
    }
  }
}
