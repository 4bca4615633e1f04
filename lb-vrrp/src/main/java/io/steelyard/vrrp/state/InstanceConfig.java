package io.steelyard.vrrp.state;

import static java.util.Objects.requireNonNull;

import io.steelyard.vrrp.packet.Advertisement;
import io.steelyard.vrrp.packet.ReceiveFilter;
import io.steelyard.vrrp.packet.Version;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configuration of one VRRP instance, keepalived's {@code vrrp_instance} block: immutable,
 * made by {@link #builder(String)}.
 *
 * <pre>{@code
 * InstanceConfig vi1 = InstanceConfig.builder("VI_1")
 *     .virtualRouterId(51).priority(100)
 *     .advertInterval(Duration.ofSeconds(1)).authPass("secret12")
 *     .virtualAddress("192.168.200.16/32")
 *     .build();
 * }</pre>
 *
 * <p>The builder applies keepalived 2.2.7's rules. A value that cannot work fails at once with an
 * {@link IllegalArgumentException} naming the instance and the value (a VRID or priority outside 1
 * to 255, say), and so does a setter called twice. What keepalived repairs with a warning is
 * repaired the same way, and the warning is logged and kept in {@link #warnings()}:
 *
 * <ul>
 *   <li>an {@code auth_pass} longer than 8 bytes is truncated to 8;
 *   <li>authentication is dropped in VRRPv3, and when the password is empty;
 *   <li>a VRRPv2 interval that is not whole seconds is rounded to the nearest second; a VRRPv3 one
 *       is rounded to 10 ms and capped at 40.95 s;
 *   <li>{@code nopreempt} is dropped for the address owner and with {@code state MASTER}; {@code
 *       preempt_delay} is dropped with {@code state MASTER} and with {@code nopreempt};
 *   <li>an instance without a virtual address is allowed, with a warning;
 *   <li>a {@code unicast_src_ip} without any {@code unicast_peer} falls back to multicast, with a
 *       warning, the address still being the source of the adverts.
 * </ul>
 *
 * <p>Defaults as in keepalived: VRRPv2, one-second interval, priority 255 when {@code state
 * MASTER} is given and 100 otherwise, {@code state MASTER} for the owner (priority 255) and BACKUP
 * otherwise, preemption on without delay, no authentication.
 */
public final class InstanceConfig {
  private static final Logger LOG = LoggerFactory.getLogger(InstanceConfig.class);

  /** The priority of the address owner: it takes over at once and ignores tracking weights. */
  public static final int OWNER_PRIORITY = 255;

  private final String name;
  private final Version version;
  private final int virtualRouterId;
  private final int priority;
  private final State initialState;
  private final Duration advertInterval;
  private final byte @Nullable [] authPass;
  private final List<VirtualAddress> virtualAddresses;
  private final @Nullable Inet4Address unicastSource;
  private final List<Inet4Address> unicastPeers;
  private final boolean preempt;
  private final Duration preemptDelay;
  private final List<Track> tracks;
  private final List<String> warnings;

  private InstanceConfig(Settings<?> b, Version version, byte @Nullable [] authPass, int priority,
      State initialState, Duration advertInterval, boolean preempt, Duration preemptDelay,
      List<String> warnings) {
    this.name = b.name;
    this.version = version;
    this.virtualRouterId = b.virtualRouterId;
    this.priority = priority;
    this.initialState = initialState;
    this.advertInterval = advertInterval;
    this.authPass = authPass;
    this.virtualAddresses = List.copyOf(b.virtualAddresses.values());
    this.unicastSource = b.unicastSource;
    this.unicastPeers = List.copyOf(b.unicastPeers);
    this.preempt = preempt;
    this.preemptDelay = preemptDelay;
    this.tracks = List.copyOf(b.tracks.values());
    this.warnings = List.copyOf(warnings);
  }

  /** A builder for the instance named {@code name}, keepalived's {@code vrrp_instance VI_1}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The instance's name, which prefixes its log lines. */
  public String name() {
    return name;
  }

  /** VRRPv2 or VRRPv3. */
  public Version version() {
    return version;
  }

  /** The virtual router id, 1 to 255, shared by every router of the virtual router. */
  public int virtualRouterId() {
    return virtualRouterId;
  }

  /** The configured (base) priority, 1 to 255; tracking moves the effective one around it. */
  public int priority() {
    return priority;
  }

  /** {@link State#MASTER} or {@link State#BACKUP}: how the instance starts (keepalived's state). */
  public State initialState() {
    return initialState;
  }

  /** How often the master advertises: whole seconds in VRRPv2, a multiple of 10 ms in VRRPv3. */
  public Duration advertInterval() {
    return advertInterval;
  }

  /** Whether VRRPv2 adverts carry a password (keepalived's {@code auth_type PASS}). */
  public boolean authenticated() {
    return authPass != null;
  }

  /** A copy of the password's bytes, 1 to 8 of them, or an empty array without authentication. */
  public byte[] authPass() {
    return authPass == null ? new byte[0] : authPass.clone();
  }

  /** The virtual addresses, in configuration order (the order of the advertisement). */
  public List<VirtualAddress> virtualAddresses() {
    return virtualAddresses;
  }

  /**
   * The source address of the adverts (keepalived's {@code unicast_src_ip} or {@code
   * mcast_src_ip}), which also breaks ties between equal priorities; empty for the interface's
   * primary address.
   */
  public Optional<Inet4Address> unicastSource() {
    return Optional.ofNullable(unicastSource);
  }

  /**
   * The routers adverts go to by unicast, one copy each, in configuration order (keepalived's
   * {@code unicast_peer} block); empty for multicast to 224.0.0.18.
   */
  public List<Inet4Address> unicastPeers() {
    return unicastPeers;
  }

  /** Whether adverts go to {@link #unicastPeers} rather than to the multicast group. */
  public boolean unicast() {
    return !unicastPeers.isEmpty();
  }

  /**
   * Whether this instance, as backup, takes over from a master of lower priority (preempt mode);
   * false with {@code nopreempt}.
   */
  public boolean preempt() {
    return preempt;
  }

  /**
   * How long a backup of higher priority keeps accepting a lower-priority master, counted from the
   * first such advert, before it preempts; zero for no delay.
   */
  public Duration preemptDelay() {
    return preemptDelay;
  }

  /** The tracked checks. */
  public List<Track> tracks() {
    return tracks;
  }

  /**
   * What a running instance cannot take from {@code next}, in keepalived's words ({@code
   * virtual_router_id}, {@code advert_int}, ...): all but the priority, the virtual addresses, the
   * initial state, preemption and the tracks, which {@link VrrpMachine#reconfigure} changes in
   * place. Empty when {@code next} can be applied.
   */
  public List<String> fixedDifferences(InstanceConfig next) {
    List<String> differences = new ArrayList<>();
    if (!name.equals(next.name)) {
      differences.add("name");
    }
    if (version != next.version) {
      differences.add("version");
    }
    if (virtualRouterId != next.virtualRouterId) {
      differences.add("virtual_router_id");
    }
    if (!advertInterval.equals(next.advertInterval)) {
      differences.add("advert_int");
    }
    if (!Arrays.equals(authPass, next.authPass)) {
      differences.add("authentication");
    }
    if (!Objects.equals(unicastSource, next.unicastSource)) {
      differences.add("unicast_src_ip");
    }
    if (!unicastPeers.equals(next.unicastPeers)) {
      differences.add("unicast_peer");
    }
    return differences;
  }

  /**
   * What {@code next} changes among what a running instance takes in place, in keepalived's words:
   * {@code priority 150 -> 140}, {@code virtual_ipaddress}, {@code state}, {@code preempt}, {@code
   * preempt_delay}, {@code track_script}. Empty when it changes none of them.
   */
  public List<String> changes(InstanceConfig next) {
    List<String> changes = new ArrayList<>();
    if (priority != next.priority) {
      changes.add("priority " + priority + " -> " + next.priority);
    }
    if (!virtualAddresses.equals(next.virtualAddresses)) {
      changes.add("virtual_ipaddress");
    }
    if (initialState != next.initialState) {
      changes.add("state " + initialState + " -> " + next.initialState);
    }
    if (preempt != next.preempt) {
      changes.add(next.preempt ? "preempt" : "nopreempt");
    }
    if (!preemptDelay.equals(next.preemptDelay)) {
      changes.add("preempt_delay");
    }
    if (!tracks.equals(next.tracks)) {
      changes.add("track_script");
    }
    return changes;
  }

  /** The warnings of the build, each also logged; empty when keepalived would have said nothing. */
  public List<String> warnings() {
    return warnings;
  }

  /** This instance's advertisement with that priority (0 to 255). */
  public Advertisement advertisement(int priority) {
    List<Inet4Address> addresses = new ArrayList<>(virtualAddresses.size());
    for (VirtualAddress address : virtualAddresses) {
      addresses.add(address.address());
    }
    if (version == Version.V3) {
      return Advertisement.v3(
          virtualRouterId, priority, (int) (advertInterval.toMillis() / 10), addresses);
    }
    int seconds = (int) advertInterval.toSeconds();
    return authPass == null
        ? Advertisement.v2(virtualRouterId, priority, seconds, addresses)
        : Advertisement.v2(virtualRouterId, priority, seconds, addresses, authPass);
  }

  /** A new filter for the packets this instance receives. */
  public ReceiveFilter newReceiveFilter() {
    return unicast()
        ? ReceiveFilter.ofUnicast(name, advertisement(priority))
        : ReceiveFilter.of(name, advertisement(priority));
  }

  @Override
  public String toString() {
    return "vrrp_instance " + name + " {VRRPv" + version.number() + " vrid " + virtualRouterId
        + " priority " + priority + " state " + initialState + " advert_int " + advertInterval
        + (authPass == null ? "" : " auth PASS") + " " + virtualAddresses
        + (unicastSource == null ? "" : " unicast_src_ip " + unicastSource.getHostAddress())
        + (unicastPeers.isEmpty() ? "" : " unicast_peer " + unicastPeers.stream()
            .map(Inet4Address::getHostAddress).toList())
        + (preempt ? "" : " nopreempt")
        + (preemptDelay.isZero() ? "" : " preempt_delay " + preemptDelay)
        + (tracks.isEmpty() ? "" : " track " + tracks) + "}";
  }

  /**
   * Builds an {@link InstanceConfig}. Each setter may be called once (virtual addresses and tracks
   * add up); {@link #virtualRouterId} is required.
   */
  public static final class Builder extends Settings<Builder> {
    private Builder(String name) {
      super(name);
    }

    @Override
    public Builder track(Track track) {
      return super.track(track);
    }

    @Override
    public InstanceConfig build() {
      return super.build();
    }
  }

  /**
   * The settings of an instance, keepalived's words for a {@code vrrp_instance}, shared by {@link
   * Builder} and the builders that start an instance. Each setter may be called once (virtual
   * addresses and tracks add up) and fails at once on a value out of range, naming it.
   *
   * @param <B> the builder's own type, which every setter returns
   */
  public abstract static class Settings<B extends Settings<B>> {
    private static final Duration MIN_INTERVAL = Duration.ofMillis(10);
    private static final Duration MAX_INTERVAL = Duration.ofSeconds(255);
    private static final Duration MAX_V3_INTERVAL = Duration.ofMillis(40_950);
    private static final Duration MAX_PREEMPT_DELAY = Duration.ofSeconds(1000);
    private static final byte[] BROADCAST = {-1, -1, -1, -1};

    private final String name;
    private final String what;
    private @Nullable Version version;
    private int virtualRouterId;
    private @Nullable Integer priority;
    private @Nullable State state;
    private @Nullable Duration advertInterval;
    private @Nullable String authPass;
    private final Map<Inet4Address, VirtualAddress> virtualAddresses = new LinkedHashMap<>();
    private @Nullable Inet4Address unicastSource;
    private final Set<Inet4Address> unicastPeers = new LinkedHashSet<>();
    private boolean noPreempt;
    private @Nullable Duration preemptDelay;
    private final Map<String, Track> tracks = new LinkedHashMap<>();

    /** @throws IllegalArgumentException when {@code name} is empty */
    protected Settings(String name) {
      requireNonNull(name, "name");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("VRRP instance name must not be empty");
      }
      this.name = name;
      this.what = "(" + name + ") ";
    }

    /** VRRPv2 (the default, as in keepalived) or VRRPv3. */
    public B version(Version version) {
      requireNonNull(version, "version");
      unset("version", this.version);
      this.version = version;
      return self();
    }

    /** The virtual router id, 1 to 255; required. */
    public B virtualRouterId(int virtualRouterId) {
      unset("virtual_router_id", this.virtualRouterId == 0 ? null : this.virtualRouterId);
      this.virtualRouterId = range("virtual_router_id", virtualRouterId, 1, 255);
      return self();
    }

    /**
     * The priority, 1 to 255; 255 makes this router the address owner, which takes over at once.
     * Default: 255 with {@code state(MASTER)}, else 100.
     */
    public B priority(int priority) {
      unset("priority", this.priority);
      this.priority = range("priority", priority, 1, OWNER_PRIORITY);
      return self();
    }

    /**
     * How the instance starts, {@link State#MASTER} or {@link State#BACKUP} (keepalived's {@code
     * state}). A MASTER below priority 255 waits one advert interval, in case a master is there,
     * then takes over; a BACKUP waits the whole Master_Down_Interval.
     */
    public B state(State state) {
      requireNonNull(state, "state");
      unset("state", this.state);
      if (state != State.MASTER && state != State.BACKUP) {
        throw new IllegalArgumentException(what + "state must be MASTER or BACKUP: " + state);
      }
      this.state = state;
      return self();
    }

    /** The advertisement interval, 10 ms to 255 s; 1 s by default. */
    public B advertInterval(Duration advertInterval) {
      requireNonNull(advertInterval, "advertInterval");
      unset("advert_int", this.advertInterval);
      if (advertInterval.compareTo(MIN_INTERVAL) < 0
          || advertInterval.compareTo(MAX_INTERVAL) > 0) {
        throw new IllegalArgumentException(
            what + "advert_int must be 10 ms to 255 s: " + advertInterval);
      }
      this.advertInterval = advertInterval;
      return self();
    }

    /**
     * The VRRPv2 simple password ({@code auth_type PASS}): its UTF-8 bytes, truncated to 8 with a
     * warning as keepalived does.
     */
    public B authPass(String authPass) {
      requireNonNull(authPass, "authPass");
      if (this.authPass != null) {
        throw new IllegalStateException(what + "auth_pass was already set");
      }
      this.authPass = authPass;
      return self();
    }

    /**
     * Adds a virtual address, {@code a.b.c.d[/len] [brd a.b.c.d] [scope S]} (see {@link
     * VirtualAddress#parse}).
     */
    public B virtualAddress(String address) {
      return virtualAddress(VirtualAddress.parse(address));
    }

    /** Adds a virtual address; at most 255, each once. */
    public B virtualAddress(VirtualAddress address) {
      requireNonNull(address, "address");
      if (virtualAddresses.containsKey(address.address())) {
        throw new IllegalArgumentException(
            what + "virtual address " + address.address().getHostAddress() + " is given twice");
      }
      if (virtualAddresses.size() == Advertisement.MAX_ADDRESSES) {
        throw new IllegalArgumentException(
            what + "at most 255 virtual addresses fit in an advertisement: " + address);
      }
      virtualAddresses.put(address.address(), address);
      return self();
    }

    /**
     * The source address of the adverts, {@code a.b.c.d} (keepalived's {@code unicast_src_ip}); by
     * default the interface's primary address. With unicast peers the instance receives only
     * adverts sent to this address, so it must be one of this host's.
     */
    public B unicastSource(String address) {
      requireNonNull(address, "address");
      unset("unicast_src_ip", unicastSource == null ? null : unicastSource.getHostAddress());
      this.unicastSource = unicastAddress("unicast_src_ip", address);
      return self();
    }

    /**
     * Adds a unicast peer, {@code a.b.c.d} (an entry of keepalived's {@code unicast_peer} block):
     * with one or more, each advert goes to every peer by unicast instead of to 224.0.0.18, and
     * multicast adverts are dropped. Each peer once.
     */
    public B unicastPeer(String address) {
      requireNonNull(address, "address");
      Inet4Address peer = unicastAddress("unicast_peer", address);
      if (!unicastPeers.add(peer)) {
        throw new IllegalArgumentException(
            what + "unicast_peer " + peer.getHostAddress() + " is given twice");
      }
      return self();
    }

    /** Never takes over from a live master, whatever the priorities (keepalived's nopreempt). */
    public B noPreempt() {
      this.noPreempt = true;
      return self();
    }

    /**
     * As backup, keeps accepting a lower-priority master for this long (0 to 1000 s) after its
     * first advert before preempting it (keepalived's {@code preempt_delay}).
     */
    public B preemptDelay(Duration preemptDelay) {
      requireNonNull(preemptDelay, "preemptDelay");
      unset("preempt_delay", this.preemptDelay);
      if (preemptDelay.isNegative() || preemptDelay.compareTo(MAX_PREEMPT_DELAY) > 0) {
        throw new IllegalArgumentException(
            what + "preempt_delay must be 0 to 1000 s: " + preemptDelay);
      }
      this.preemptDelay = preemptDelay;
      return self();
    }

    /** Tracks a check (see {@link Track}); names are unique. */
    protected B track(Track track) {
      requireNonNull(track, "track");
      if (tracks.containsKey(track.name())) {
        throw new IllegalArgumentException(what + "track '" + track.name() + "' is given twice");
      }
      tracks.put(track.name(), track);
      return self();
    }

    /**
     * The configuration, with keepalived's repairs applied and warned about.
     *
     * @throws IllegalStateException if no virtual router id was given
     */
    protected InstanceConfig build() {
      if (virtualRouterId == 0) {
        throw new IllegalStateException(what + "the virtual router id must be set");
      }
      Version v = version == null ? Version.V2 : version;
      List<String> warnings = new ArrayList<>();

      byte[] pass = null;
      if (authPass != null) {
        pass = authPass.getBytes(StandardCharsets.UTF_8);
        if (pass.length > Advertisement.AUTH_DATA_LENGTH) {
          warnings.add("auth_pass is " + pass.length + " bytes long; truncating it to 8");
          pass = Arrays.copyOf(pass, Advertisement.AUTH_DATA_LENGTH);
        }
        if (v == Version.V3) {
          warnings.add("VRRP version 3 does not support authentication; ignoring auth_pass");
          pass = null;
        } else if (pass.length == 0) {
          warnings.add("authentication specified but the password is empty; ignoring it");
          pass = null;
        }
      }

      if (virtualAddresses.isEmpty()) {
        warnings.add("no virtual address specified; at least one is sensible");
      }

      int prio = priority != null ? priority : state == State.MASTER ? OWNER_PRIORITY : 100;
      State initial = state != null ? state : prio == OWNER_PRIORITY ? State.MASTER : State.BACKUP;

      boolean nopreempt = noPreempt;
      Duration delay = preemptDelay == null ? Duration.ZERO : preemptDelay;
      if (prio == OWNER_PRIORITY && nopreempt) {
        warnings.add("nopreempt is incompatible with priority 255; resetting nopreempt");
        nopreempt = false;
      }
      if (initial == State.MASTER) {
        if (nopreempt) {
          warnings.add("nopreempt will not work with initial state MASTER; clearing it");
          nopreempt = false;
        }
        if (!delay.isZero()) {
          warnings.add("preempt_delay will not work with initial state MASTER; clearing it");
          delay = Duration.ZERO;
        }
      }
      if (!delay.isZero() && nopreempt) {
        warnings.add("preempt_delay is incompatible with nopreempt; resetting preempt_delay");
        delay = Duration.ZERO;
      }

      if (unicastSource != null && unicastPeers.isEmpty()) {
        warnings.add("unicast_src_ip is given without any unicast peer; defaulting to multicast");
      }

      Duration interval = normalizeInterval(v, warnings);

      for (String warning : warnings) {
        LOG.warn("{}{}", what, warning);
      }
      return new InstanceConfig(
          this, v, pass, prio, initial, interval, !nopreempt, delay, warnings);
    }

    private Duration normalizeInterval(Version v, List<String> warnings) {
      Duration interval = advertInterval == null ? Duration.ofSeconds(1) : advertInterval;
      long micros = interval.toNanos() / 1000;
      if (v == Version.V2) {
        if (micros % 1_000_000 != 0) {
          long seconds = Math.max(1, (micros + 500_000) / 1_000_000);
          warnings.add("VRRPv2 advertisement interval " + interval
              + " must be whole seconds; rounding to " + seconds + " s");
          return Duration.ofSeconds(seconds);
        }
        return Duration.ofSeconds(micros / 1_000_000);
      }
      if (interval.compareTo(MAX_V3_INTERVAL) > 0) {
        warnings.add("VRRPv3 advertisement interval " + interval
            + " is out of range, it must be under 40.96 s; setting it to 40.95 s");
        return MAX_V3_INTERVAL;
      }
      if (micros % 10_000 != 0) {
        long centis = Math.max(1, (micros + 5_000) / 10_000);
        warnings.add("VRRPv3 advertisement interval " + interval
            + " must be in units of 10 ms; rounding to " + 10 * centis + " ms");
        return Duration.ofMillis(10 * centis);
      }
      return Duration.ofNanos(micros * 1000);
    }

    /** A unicast IPv4 address, as four decimal numbers: no prefix, no host name. */
    private Inet4Address unicastAddress(String key, String text) {
      VirtualAddress parsed;
      try {
        parsed = text.matches("[0-9.]+") ? VirtualAddress.parse(text) : null;
      } catch (IllegalArgumentException e) {
        parsed = null;
      }
      if (parsed == null) {
        throw new IllegalArgumentException(
            what + key + " must be an IPv4 address such as 192.0.2.1: '" + text + "'");
      }
      Inet4Address address = parsed.address();
      if (address.isMulticastAddress() || address.isAnyLocalAddress()
          || Arrays.equals(address.getAddress(), BROADCAST)) {
        throw new IllegalArgumentException(
            what + key + " must be a unicast address: " + address.getHostAddress());
      }
      return address;
    }

    private int range(String key, int value, int min, int max) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(
            what + key + " must be " + min + " to " + max + ": " + value);
      }
      return value;
    }

    @SuppressWarnings("unchecked")
    private B self() {
      return (B) this;
    }

    private void unset(String key, @Nullable Object current) {
      if (current != null) {
        throw new IllegalStateException(what + key + " was already set to " + current);
      }
    }
  }
}
