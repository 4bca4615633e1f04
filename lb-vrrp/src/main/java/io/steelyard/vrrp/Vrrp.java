package io.steelyard.vrrp;

import static java.util.Objects.requireNonNull;

import io.steelyard.lb.Attachment;
import io.steelyard.lb.Balancer;
import io.steelyard.lb.BalancerBuilder;
import io.steelyard.lb.health.HealthListener;
import io.steelyard.vrrp.linux.VrrpInstance;
import io.steelyard.vrrp.script.NotifyScripts;
import io.steelyard.vrrp.script.ScriptTrack;
import io.steelyard.vrrp.script.ScriptTracker;
import io.steelyard.vrrp.state.InstanceConfig;
import io.steelyard.vrrp.state.State;
import io.steelyard.vrrp.state.StateListener;
import io.steelyard.vrrp.state.Track;
import io.steelyard.vrrp.state.Transition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The entry point of Steelyard's VRRP: a keepalived {@code vrrp_instance} that runs beside a
 * {@link Balancer} and holds the virtual address only while the balancer is healthy.
 *
 * <pre>{@code
 * Balancer lb = Balancer.builder()
 *     .frontend("ft_http", f -> f.bind(":80").defaultBackend("bk_http"))
 *     .backend("bk_http", b -> b.server("s1", "192.168.69.106:80", s -> s.check()))
 *     .attach(Vrrp.instance("VI_1")
 *         .iface("enp0s3").virtualRouterId(100).priority(100)
 *         .advertInterval(ofSeconds(1)).authPass("secret")
 *         .virtualAddress("192.168.69.110/32"))
 *     .start();
 * }</pre>
 *
 * <p>Attached, the instance tracks the balancer by itself, as keepalived's {@code track_script}
 * over a {@code killall -0 haproxy} script would: a check named {@value #BALANCER_TRACK} gets
 * {@link Balancer#healthy()} when the instance starts and again each time it changes. With the
 * default weight 0 an unhealthy balancer puts the instance in Fault, so it gives up the address and
 * a peer takes it over; it comes back as Backup when the balancer is healthy again. {@link
 * Builder#balancerWeight} trades Fault for a priority change. Closing the balancer closes the
 * instance first: a master sends priority 0 and removes the address before the balancer stops
 * listening.
 *
 * <p>External scripts work as in keepalived, for configurations that have them: {@link
 * Builder#trackScript} tracks a {@code vrrp_script} and {@link Builder#notifyScript} runs the
 * {@code notify_*} scripts (see {@link io.steelyard.vrrp.script}); they start and stop with the
 * instance.
 *
 * <p>Adverts go to 224.0.0.18; where the network carries no multicast, {@link
 * Builder#unicastPeer} sends them to each peer by unicast instead, as keepalived's {@code
 * unicast_peer} block does (and {@link Builder#unicastSource} picks their source, {@code
 * unicast_src_ip}).
 *
 * <p>The instance runs in the network namespace of the thread that starts the balancer (or calls
 * {@link Builder#startStandalone()}), needs {@code CAP_NET_RAW} and {@code CAP_NET_ADMIN}, and
 * follows keepalived 2.2.7's rules and defaults (see {@link InstanceConfig}).
 */
public final class Vrrp {
  /** The name of the tracked check that follows the balancer's health. */
  public static final String BALANCER_TRACK = "balancer";

  private Vrrp() {}

  /** A builder for the instance named {@code name}, keepalived's {@code vrrp_instance VI_1}. */
  public static Builder instance(String name) {
    return new Builder(name);
  }

  /**
   * Builds and starts one VRRP instance: attached to a balancer through {@link
   * BalancerBuilder#attach}, or alone through {@link #startStandalone()}. The instance's settings
   * are those of {@link InstanceConfig.Settings}, each given at most once; {@link #iface} and
   * {@link #virtualRouterId} are required. An instance starts once.
   */
  public static final class Builder extends InstanceConfig.Settings<Builder>
      implements Attachment {
    private final String name;
    private final List<StateListener> listeners = new ArrayList<>();
    private final List<ScriptTrack> scripts = new ArrayList<>();
    private final Map<State, List<String>> notifyScripts = new EnumMap<>(State.class);
    private List<String> genericNotifyScript = List.of();
    private @Nullable String iface;
    private @Nullable Integer balancerWeight;
    private boolean started;
    private boolean attached;
    private boolean balancerTracked;
    private volatile @Nullable VrrpInstance running;
    private @Nullable ScriptRunners runners;

    private Builder(String name) {
      super(name);
      this.name = name;
    }

    /** The instance's name. */
    public String name() {
      return name;
    }

    /** The interface to advertise on and to put the virtual addresses on, such as "enp0s3". */
    public Builder iface(String iface) {
      requireNonNull(iface, "iface");
      if (this.iface != null) {
        throw new IllegalStateException("(" + name + ") interface was already set to " + this.iface);
      }
      this.iface = iface;
      return this;
    }

    /** Adds a listener that hears every transition, on the instance's thread. */
    public Builder listener(StateListener listener) {
      listeners.add(requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Tracks an external script, keepalived's {@code vrrp_script} named in {@code track_script}: it
     * runs every interval while the instance runs (see {@link ScriptTracker}) and its results count
     * as those of the {@link ScriptTrack#track() check} of its name, which must be unique.
     */
    public Builder trackScript(ScriptTrack script) {
      requireNonNull(script, "script");
      track(script.track());
      scripts.add(script);
      return this;
    }

    /**
     * Runs {@code command} (no shell) on entering {@code state}: keepalived's {@code
     * notify_master}, {@code notify_backup}, {@code notify_fault} or {@code notify_stop}. See
     * {@link NotifyScripts}.
     */
    public Builder notifyScript(State state, List<String> command) {
      requireNonNull(state, "state");
      requireNonNull(command, "command");
      if (state == State.INITIALIZE) {
        throw new IllegalArgumentException("(" + name + ") no notify script for " + state);
      }
      if (notifyScripts.containsKey(state)) {
        throw new IllegalStateException("(" + name + ") notify script for " + state
            + " was already set to " + notifyScripts.get(state));
      }
      notifyScripts.put(state, List.copyOf(command));
      return this;
    }

    /**
     * Runs {@code command} (no shell) on every change, with {@code INSTANCE}, the name, the state
     * and the effective priority appended: keepalived's {@code notify}. See {@link NotifyScripts}.
     */
    public Builder notifyScript(List<String> command) {
      requireNonNull(command, "command");
      if (!genericNotifyScript.isEmpty()) {
        throw new IllegalStateException(
            "(" + name + ") notify script was already set to " + genericNotifyScript);
      }
      genericNotifyScript = List.copyOf(command);
      return this;
    }

    /**
     * The weight of the {@value #BALANCER_TRACK} check when attached (see {@link Track}), -253 to
     * 253: 0, the default, puts the instance in Fault while the balancer is unhealthy; a negative
     * weight lowers the priority by its magnitude instead, a positive one raises it while healthy.
     */
    public Builder balancerWeight(int weight) {
      if (balancerWeight != null) {
        throw new IllegalStateException(
            "(" + name + ") balancer weight was already set to " + balancerWeight);
      }
      balancerWeight = Track.of(BALANCER_TRACK, weight).weight();
      return this;
    }

    /**
     * Starts the instance without a balancer, in the calling thread's network namespace.
     *
     * @return the running instance; {@link VrrpInstance#close()} stops it
     * @throws IllegalStateException without an interface or a virtual router id, or when started
     *     already
     * @throws IOException if the socket cannot be set up (see {@link VrrpInstance#start})
     */
    public VrrpInstance startStandalone() throws IOException {
      return start();
    }

    /**
     * Starts the instance, tracking {@code balancer}'s health as {@value #BALANCER_TRACK}; called by
     * {@link BalancerBuilder#start()} once the balancer listens, on its thread (hence in its network
     * namespace).
     *
     * @return closes the instance (a master gives up the address) and stops listening to the
     *     balancer
     */
    @Override
    public AutoCloseable attach(Balancer balancer) throws IOException {
      requireNonNull(balancer, "balancer");
      attached = true;
      trackBalancer();
      VrrpInstance instance = start();
      HealthFeed feed = new HealthFeed(balancer, instance);
      balancer.addListener(feed);
      feed.report();
      return () -> {
        balancer.removeListener(feed);
        instance.close();
      };
    }

    /**
     * What a reload with {@code next} (the same instance, read again from its file) cannot change
     * in the running instance, in keepalived's words: the interface, the notify scripts and {@link
     * InstanceConfig#fixedDifferences}. Empty when {@link #reconfigure} can apply it.
     *
     * @throws IllegalStateException if this builder's instance is not running
     */
    public List<String> fixedDifferences(Builder next) {
      VrrpInstance instance = running();
      List<String> fixed = new ArrayList<>();
      if (!Objects.equals(iface, next.iface)) {
        fixed.add("interface");
      }
      if (!notifyScripts.equals(next.notifyScripts)
          || !genericNotifyScript.equals(next.genericNotifyScript)) {
        fixed.add("notify");
      }
      if (fixed.isEmpty()) {
        fixed.addAll(instance.config().fixedDifferences(next.runningConfig(attached)));
      }
      return fixed;
    }

    /**
     * Gives the running instance {@code next}'s priority, virtual addresses, initial state,
     * preemption, tracked scripts and balancer weight, as keepalived's reload does, without leaving
     * its state: a master stays master unless its new priority is outranked (see {@link
     * VrrpInstance#reconfigure}). Changed scripts are restarted: the old ones stop before the
     * instance takes the new tracks, the new ones start after.
     *
     * @return what changed ({@link InstanceConfig#changes}), empty when nothing did
     * @throws IllegalArgumentException naming what cannot change in place ({@link
     *     #fixedDifferences}); nothing changes then
     * @throws IllegalStateException if this builder's instance is not running
     */
    public List<String> reconfigure(Builder next) {
      List<String> fixed = fixedDifferences(next);
      if (!fixed.isEmpty()) {
        throw new IllegalArgumentException(
            "(" + name + ") cannot change in place: " + String.join(", ", fixed));
      }
      InstanceConfig config = next.runningConfig(attached);
      VrrpInstance instance = running();
      List<String> changes = instance.config().changes(config);
      if (changes.isEmpty()) {
        return changes;
      }
      boolean newScripts = !scripts.equals(next.scripts);
      ScriptRunners runners = requireNonNull(this.runners, "a running instance has its runners");
      if (newScripts) {
        runners.replaceTracker(null);
      }
      instance.reconfigure(config);
      if (newScripts) {
        scripts.clear();
        scripts.addAll(next.scripts);
        runners.replaceTracker(
            scripts.isEmpty() ? null : ScriptTracker.start(name, scripts, instance::trackResult));
      }
      balancerWeight = next.balancerWeight;
      return changes;
    }

    /**
     * The instance this builder started.
     *
     * @throws IllegalStateException if it has not started one
     */
    public VrrpInstance running() {
      VrrpInstance instance = running;
      if (instance == null) {
        throw new IllegalStateException("(" + name + ") the instance is not running");
      }
      return instance;
    }

    /** The configuration as it would run: with the balancer's track when attached. */
    private InstanceConfig runningConfig(boolean withBalancer) {
      requireIface();
      if (withBalancer) {
        trackBalancer();
      }
      return build();
    }

    private void trackBalancer() {
      if (!balancerTracked) {
        track(Track.of(BALANCER_TRACK, balancerWeight == null ? 0 : balancerWeight));
        balancerTracked = true;
      }
    }

    /**
     * The configuration the instance would start with, without starting it (the balancer's check
     * is not among its tracks): for checking a configuration.
     *
     * @throws IllegalStateException without an interface or a virtual router id
     */
    public InstanceConfig config() {
      requireIface();
      return build();
    }

    private String requireIface() {
      String set = iface;
      if (set == null) {
        throw new IllegalStateException("(" + name + ") the interface must be set");
      }
      return set;
    }

    /**
     * Starts the instance, then its scripts, which stop when it does: the tracker as the instance
     * enters Stop, the notify thread once the Stop scripts have run.
     */
    private VrrpInstance start() throws IOException {
      String on = requireIface();
      if (started) {
        throw new IllegalStateException("(" + name + ") the instance was started already");
      }
      InstanceConfig built = build();
      started = true;
      List<StateListener> all = new ArrayList<>(listeners);
      runners = new ScriptRunners(built.priority());
      if (!notifyScripts.isEmpty() || !genericNotifyScript.isEmpty()) {
        all.add(new NotifyScripts(name, notifyScripts, genericNotifyScript, runners::priority));
      }
      all.add(runners);
      VrrpInstance instance =
          VrrpInstance.start(built, on, all.toArray(StateListener[]::new));
      running = instance;
      runners.started(instance,
          scripts.isEmpty() ? null : ScriptTracker.start(name, scripts, instance::trackResult));
      return instance;
    }

    @Override
    public String toString() {
      return "VRRP instance " + name + (iface == null ? "" : " on " + iface);
    }
  }

  /**
   * The instance and its script tracker once started: gives the notify scripts the effective
   * priority (the configured one until the instance is known) and closes the tracker when the
   * instance stops, on the VRRP thread or, if it stopped first, at once.
   */
  private static final class ScriptRunners implements StateListener {
    private final int configuredPriority;
    private @Nullable VrrpInstance instance;
    private @Nullable ScriptTracker tracker;
    private boolean stopped;

    ScriptRunners(int configuredPriority) {
      this.configuredPriority = configuredPriority;
    }

    synchronized void started(VrrpInstance instance, @Nullable ScriptTracker tracker) {
      this.instance = instance;
      this.tracker = tracker;
      if (stopped && tracker != null) {
        tracker.close();
      }
    }

    /** Closes the running tracker and runs {@code next} (or none) instead, unless stopped. */
    synchronized void replaceTracker(@Nullable ScriptTracker next) {
      if (tracker != null) {
        tracker.close();
      }
      tracker = next;
      if (stopped && tracker != null) {
        tracker.close();
      }
    }

    synchronized int priority() {
      return instance == null ? configuredPriority : instance.effectivePriority();
    }

    @Override
    public synchronized void stateChanged(Transition transition) {
      if (transition.to() == State.STOP) {
        stopped = true;
        if (tracker != null) {
          tracker.close();
        }
      }
    }
  }

  /**
   * Hands the balancer's health to the instance. Each report reads {@link Balancer#healthy()} anew
   * under a lock rather than trusting the event's value, so the last result the instance gets is
   * always the current health, however the initial report and the events interleave.
   */
  private static final class HealthFeed implements HealthListener {
    private final Balancer balancer;
    private final VrrpInstance instance;

    HealthFeed(Balancer balancer, VrrpInstance instance) {
      this.balancer = balancer;
      this.instance = instance;
    }

    @Override
    public void balancerHealthChanged(boolean healthy) {
      report();
    }

    synchronized void report() {
      instance.trackResult(BALANCER_TRACK, balancer.healthy());
    }
  }
}
