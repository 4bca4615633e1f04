package io.steelyard.lb.stick;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Policy.CacheEntry;
import com.github.benmanes.caffeine.cache.Policy.VarExpiration;
import com.github.benmanes.caffeine.cache.Ticker;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A backend's stick table on the client's address, HAProxy's {@code stick-table type ip size 200k
 * expire 30m} with {@code stick on src}: it remembers which server each client went to, so that
 * the client's next connections go there too.
 *
 * <pre>{@code
 * StickTable table = StickTable.builder().size(200_000).expire(Duration.ofMinutes(30)).build();
 *
 * // stick on src: the entry is held from the pick, so that a client's parallel connections agree
 * StickEntry entry = table.open(client, NO_SERVER);     // on accept: the client's entry, or null
 * // none: pick a server, then
 * entry = table.open(client, picked.id());              // a new entry (a reservation), or another's
 * long seen = entry.state();                            // go to StickEntry.serverOf(seen)
 * table.connected(entry, seen, server.id());            // once connected to the server
 * entry.connectionClosed();                             // when the connection ends
 *
 * // stick match src / stick store-request src alone
 * int id = table.match(client);                         // on accept: the stuck server, or NO_SERVER
 * StickEntry stored = table.store(client, server.id()); // once connected to the server
 * if (stored != null) stored.connectionClosed();        // when the connection ends
 * }</pre>
 *
 * <p><b>A client's first connections.</b> A browser or a pool opens several connections at once;
 * each misses the table, and with a store only once connected each would pick its own server and
 * the last store would win. With {@link #open} at the pick, the first of them makes the entry
 * (a reservation) and the others find it and follow its server; one whose server cannot take it
 * (down, in maintenance) picks anew and {@link StickEntry#claim claims} the pick, and of several
 * doing so at once the first wins. {@link #connected} confirms the entry, unless a newer choice
 * was written meanwhile: a connection that completes late never moves the client back. A
 * reservation whose connection never connected goes again ({@link #abandon}), unless another
 * connection follows it: then it stays theirs. HAProxy 2.6 stores once connected, and splits
 * such bursts.
 *
 * <p><b>Keys.</b> IPv4 and IPv6 addresses, compared as {@link InetAddress#equals} does: by address
 * alone, whatever the host name or IPv6 scope of the object. {@link #match} and {@link #store} look
 * up the caller's own object (the socket's), with no copy: neither allocates when the client has an
 * entry. A new entry keeps a bare copy of the address, without host name, scope id or interface.
 * An IPv4 client of a dual-stack socket comes as an {@code Inet4Address}, as does an IPv4-mapped
 * address that {@link InetAddress#getByName} or {@link InetAddress#getByAddress(byte[])} reads, so
 * it shares the entry of the IPv4 address.
 *
 * <p><b>Expiry.</b> An entry expires {@link #expire()} after it was last touched, that is matched
 * or stored, as timed by the table's {@link Ticker}; an entry a peer sent expires when the
 * peer's did, unless touched here first ({@link #setServer(InetAddress, int, Duration)}). It does
 * so even while in use, as HAProxy's entries for {@code stick on} do, which no connection holds
 * once stored. An expired entry is never matched, nor listed; the table removes it during later
 * work.
 *
 * <p><b>When the table is full</b> ({@link #size()} entries) and a new client must be stored, the
 * table has Caffeine remove expired entries, then, if it is still full, purges one entry: the one
 * to expire soonest of those not in use, that is which count no open connection ({@link
 * StickEntry}); as entries live {@link #expire()} from their last touch, that is the least
 * recently touched, but for entries from a peer. When every entry is in use, the new client is not
 * stored. Each touch moves the entry's expiry on, except one whose record Caffeine drops. A match, or a store of a client that has an entry, is a read for
 * Caffeine, which records reads through a lossy buffer (16 per stripe, dropping those that arrive
 * while it is full); a dropped touch leaves the entry where it was, still renewing its expiry.
 * HAProxy 2.6 purges the same entries, oldest first and not in use, but {@code size / 256 + 1} at
 * a time; one at a time keeps the most clients. The table never holds more than {@link #size()}
 * entries.
 *
 * <p>All methods are thread-safe, the admin operations included while traffic flows. New entries
 * are added one at a time under a lock, which keeps the size exact; matches, and stores on an
 * existing entry, take no lock of the table's.
 */
public final class StickTable {
  /** What {@link #match} returns for a client without an entry. */
  public static final int NO_SERVER = -1;

  /** The largest {@link #size()}. */
  public static final int MAX_SIZE = 100_000_000;

  /** The longest {@link #expire()}, HAProxy's limit of 2^31-1 ms (about 24.8 days). */
  public static final Duration MAX_EXPIRE = Duration.ofMillis(Integer.MAX_VALUE);

  private final int size;
  private final Duration expire;
  private final Cache<InetAddress, StickEntry> cache;
  private final VarExpiration<InetAddress, StickEntry> expiration;
  private final ReentrantLock additions = new ReentrantLock();
  private volatile @Nullable Watcher watcher;

  private StickTable(int size, Duration expire, Ticker ticker) {
    this.size = size;
    this.expire = expire;
    long nanos = expire.toNanos();
    cache =
        Caffeine.newBuilder()
            .expireAfter(
                new Expiry<InetAddress, StickEntry>() {
                  @Override
                  public long expireAfterCreate(InetAddress client, StickEntry entry, long now) {
                    return nanos;
                  }

                  @Override
                  public long expireAfterUpdate(
                      InetAddress client, StickEntry entry, long now, long left) {
                    return nanos;
                  }

                  @Override
                  public long expireAfterRead(
                      InetAddress client, StickEntry entry, long now, long left) {
                    return nanos;
                  }
                })
            .ticker(ticker)
            .executor(Runnable::run)
            .build();
    expiration = cache.policy().expireVariably().orElseThrow();
  }

  /** A builder of stick tables; {@link Builder#size} and {@link Builder#expire} must be set. */
  public static Builder builder() {
    return new Builder();
  }

  /** The most entries the table holds. */
  public int size() {
    return size;
  }

  /** How long an entry lives after it was last touched. */
  public Duration expire() {
    return expire;
  }

  /**
   * The server {@code client} sticks to, or {@link #NO_SERVER}; a match touches the entry, which
   * then expires {@link #expire()} from now. Allocates nothing.
   *
   * <p>The id may be that of a server that is down or removed: the caller then balances the
   * connection as if there were no match, and its {@link #store} overwrites the entry.
   */
  public int match(InetAddress client) {
    StickEntry entry = cache.getIfPresent(requireNonNull(client, "client"));
    return (entry == null) ? NO_SERVER : entry.serverId();
  }

  /**
   * Records that {@code client}'s connection to server {@code serverId} is established: creates
   * the client's entry or overwrites its server, touches it, and counts the connection open on it.
   * The caller calls {@link StickEntry#connectionClosed()} on the returned entry when the
   * connection ends. Allocates nothing when the client has an entry.
   *
   * @return the client's entry, or {@code null} when it had none and the table is full of entries
   *     in use: then the client is not stored, and no connection is counted
   * @throws IllegalArgumentException naming the value when {@code serverId} is negative
   */
  public @Nullable StickEntry store(InetAddress client, int serverId) {
    requireNonNull(client, "client");
    checkServerId(serverId);
    StickEntry entry = cache.getIfPresent(client);
    if (entry == null || !entry.opened()) {
      entry = add(client, serverId, true, true);
      if (entry == null) {
        return null;
      }
    }
    entry.assign(serverId);
    written(entry);
    return entry;
  }

  /**
   * {@code stick on src}'s first step for a connection: {@code client}'s entry, touched, with the
   * connection counted on it; when the client has none and {@code serverId} is a server (not
   * {@link #NO_SERVER}), a new entry on it, which reserves that server for the client's other
   * connections until this one is established ({@link #connected}) or given up ({@link
   * #abandon}). Another connection of the client may have made the entry first, with another
   * server: the entry says which, and the caller follows it. The caller calls {@link
   * StickEntry#connectionClosed()} when the connection ends, unless it abandons it.
   *
   * @return the entry, or {@code null} when the client has none and {@code serverId} is {@link
   *     #NO_SERVER}, or when the table is full of entries in use
   * @throws IllegalArgumentException naming the value when {@code serverId} is below {@link
   *     #NO_SERVER}
   */
  public @Nullable StickEntry open(InetAddress client, int serverId) {
    requireNonNull(client, "client");
    if (serverId != NO_SERVER) {
      checkServerId(serverId);
    }
    StickEntry entry = cache.getIfPresent(client);
    if (entry != null && entry.opened()) {
      return entry;
    }
    return serverId == NO_SERVER ? null : add(client, serverId, true, false);
  }

  /**
   * Records that the connection counted on {@code entry} ({@link #open}) is established with
   * server {@code serverId}, the connection having last seen the entry as {@code seen}: the entry
   * moves to that server and is confirmed, touched and told to the watcher, unless another
   * connection, the admin or a peer changed it since: a late connection never overwrites a newer
   * choice. When the entry has left the table meanwhile (expired, cleared) and the client has no
   * other, the client gets a new entry on {@code serverId}.
   *
   * @return whether the entry was written
   */
  public boolean connected(StickEntry entry, long seen, int serverId) {
    StickEntry current = cache.getIfPresent(entry.client());
    if (current == null) {
      return setServer(entry.client(), serverId);
    }
    if (current != entry) {
      return false;
    }
    if (StickEntry.serverOf(seen) != serverId) {
      seen = entry.claim(seen, serverId);
      if (StickEntry.serverOf(seen) != serverId) {
        return false;
      }
    }
    if (!entry.confirm(seen)) {
      return false;
    }
    written(entry);
    return true;
  }

  /**
   * Gives up the connection counted on {@code entry} before it was established, the connection
   * having claimed the entry's server and last seen it as {@code seen}: stops counting it, and
   * removes the entry when it is still that claim, unconfirmed, and no other connection counts on
   * it. A new client's connection whose client left before the server answered, or that no server
   * took, leaves no entry behind; a reservation that other connections follow stays theirs.
   */
  public void abandon(StickEntry entry, long seen) {
    if (entry.state() == seen && entry.reservation() && entry.currentConnections() == 1) {
      cache.asMap().remove(entry.client(), entry);
    }
    entry.connectionClosed();
  }

  /**
   * Sets the server that {@code client} sticks to, creating its entry if it has none, and touches
   * it; counts no connection. HAProxy's {@code set table <t> key <ip> data.server_id <id>}.
   *
   * @return whether the client has an entry now: {@code false} when it had none and the table is
   *     full of entries in use
   * @throws IllegalArgumentException naming the value when {@code serverId} is negative
   */
  public boolean setServer(InetAddress client, int serverId) {
    StickEntry entry = set(client, serverId);
    if (entry == null) {
      return false;
    }
    written(entry);
    return true;
  }

  /**
   * Sets the server that {@code client} sticks to as a peer sent it: like {@link #setServer}, but
   * the entry then expires in {@code timeToLive}, the time the peer's own entry had left, until
   * something touches it here. HAProxy's timed updates of its peers protocol.
   *
   * @return whether the client has an entry now: {@code false} when it had none and the table is
   *     full of entries in use
   * @throws IllegalArgumentException naming the value when {@code serverId} is negative, or
   *     {@code timeToLive} not positive
   */
  public boolean setServer(InetAddress client, int serverId, Duration timeToLive) {
    if (timeToLive.isNegative() || timeToLive.isZero()) {
      throw new IllegalArgumentException("time to live must be > 0: " + timeToLive);
    }
    if (set(client, serverId) == null) {
      return false;
    }
    expiration.setExpiresAfter(client, timeToLive.compareTo(expire) > 0 ? expire : timeToLive);
    return true;
  }

  /** The client's entry, created if need be, now on {@code serverId}; {@code null} when full. */
  private @Nullable StickEntry set(InetAddress client, int serverId) {
    requireNonNull(client, "client");
    checkServerId(serverId);
    StickEntry entry = add(client, serverId, false, true);
    if (entry != null) {
      entry.assign(serverId);
    }
    return entry;
  }

  /**
   * Lets {@code watcher} hear of the entries written here, by {@link #store} and {@link
   * #setServer(InetAddress, int)}, but not of those a peer sent: what a process replicates to its
   * peers. An entry written again before the watcher took its mark ({@link
   * StickEntry#takeWritten}) is not told of twice. The watcher runs on the writing thread, so it
   * must be quick and never block. Set once, before the table is used.
   *
   * @throws IllegalStateException when a watcher is set already
   */
  public void watch(Watcher watcher) {
    requireNonNull(watcher, "watcher");
    if (this.watcher != null) {
      throw new IllegalStateException("the stick table is watched already");
    }
    this.watcher = watcher;
  }

  /** Hears of an entry written in this process: see {@link #watch}. */
  @FunctionalInterface
  public interface Watcher {
    /** {@code entry} was written; the watcher calls {@link StickEntry#takeWritten} once it read it. */
    void written(StickEntry entry);
  }

  private void written(StickEntry entry) {
    Watcher current = watcher;
    if (current != null && entry.markWritten()) {
      current.written(entry);
    }
  }

  /**
   * The client's entry as it is now, without touching it, or empty when it has none. HAProxy's
   * {@code show table <t> key <ip>}.
   */
  public Optional<StickEntry.Snapshot> entry(InetAddress client) {
    return Optional.ofNullable(
        snapshot(cache.policy().getEntryIfPresentQuietly(requireNonNull(client, "client"))));
  }

  /**
   * Every entry as it is now, in no particular order, without touching any: HAProxy's {@code show
   * table <t>}. Entries added or removed meanwhile may or may not be listed.
   */
  public List<StickEntry.Snapshot> entries() {
    List<StickEntry.Snapshot> entries = new ArrayList<>();
    for (InetAddress client : cache.asMap().keySet()) {
      StickEntry.Snapshot entry = snapshot(cache.policy().getEntryIfPresentQuietly(client));
      if (entry != null) {
        entries.add(entry);
      }
    }
    return entries;
  }

  /**
   * The number of entries, at most {@link #size()}, counted after a clean-up of expired entries.
   * HAProxy's {@code used}.
   */
  public int used() {
    cache.cleanUp();
    return (int) cache.estimatedSize();
  }

  /**
   * Removes every entry, in use or not: their clients are balanced anew. HAProxy's {@code clear
   * table <t>}.
   */
  public void clear() {
    cache.invalidateAll();
  }

  /**
   * Removes the client's entry, in use or not; returns whether it had one. HAProxy's {@code clear
   * table <t> key <ip>}.
   */
  public boolean clear(InetAddress client) {
    return cache.asMap().remove(requireNonNull(client, "client")) != null;
  }

  /**
   * The client's entry, touched, with a connection counted on it when {@code open}: the existing
   * one, else a new one ({@code confirmed}, or a reservation) if there is room or an entry not in
   * use to purge, else {@code null}.
   * Entries are added and purged only under {@link #additions}, so that the count of entries,
   * which other threads can only lower, never exceeds {@link #size}; an entry retired by a purge
   * has left the map when the lock is released.
   */
  private @Nullable StickEntry add(InetAddress client, int serverId, boolean open, boolean confirmed) {
    additions.lock();
    try {
      StickEntry entry = cache.getIfPresent(client);
      if (entry != null) {
        if (open) {
          entry.opened();
        }
        return entry;
      }
      if (cache.estimatedSize() >= size) {
        cache.cleanUp();
        if (cache.estimatedSize() >= size && !purgeOldestUnused()) {
          return null;
        }
      }
      InetAddress key = bare(client);
      entry = new StickEntry(key, serverId, confirmed);
      if (open) {
        entry.opened();
      }
      cache.put(key, entry);
      return entry;
    } finally {
      additions.unlock();
    }
  }

  /**
   * Purges the first entry in expiry order (soonest first) that is not in use; returns {@code
   * false} when every entry is in use. Takes O(k) for the k entries in use that were
   * touched before it.
   */
  private boolean purgeOldestUnused() {
    Map.Entry<InetAddress, StickEntry> victim =
        expiration.oldest(
            entries ->
                entries
                    .filter(candidate -> candidate.getValue().retire())
                    .findFirst()
                    .orElse(null));
    if (victim == null) {
      return false;
    }
    cache.asMap().remove(victim.getKey(), victim.getValue());
    return true;
  }

  private StickEntry.@Nullable Snapshot snapshot(@Nullable CacheEntry<InetAddress, StickEntry> cached) {
    if (cached == null) {
      return null;
    }
    StickEntry entry = cached.getValue();
    Duration expiresIn = cached.expiresAfter();
    return new StickEntry.Snapshot(
        cached.getKey(),
        entry.serverId(),
        entry.currentConnections(),
        entry.totalConnections(),
        expire.minus(expiresIn),
        expiresIn);
  }

  static void checkServerId(int serverId) {
    if (serverId < 0) {
      throw new IllegalArgumentException("server id must be >= 0: " + serverId);
    }
  }

  /** A copy of {@code address} of the same family with only its bytes: no host name nor scope. */
  private static InetAddress bare(InetAddress address) {
    byte[] bytes = address.getAddress();
    try {
      return (address instanceof Inet6Address)
          ? Inet6Address.getByAddress(null, bytes, -1)
          : InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new AssertionError("the bytes of an InetAddress make an InetAddress", e);
    }
  }

  @Override
  public String toString() {
    return "StickTable{size=" + size + ", expire=" + expire + "}";
  }

  /**
   * Configures a {@link StickTable}. Each setting may be set once; a value out of range fails at
   * once with a message that names it.
   */
  public static final class Builder {
    private int size;
    private @Nullable Duration expire;
    private @Nullable Ticker ticker;

    private Builder() {}

    /** The most entries, 1 to {@value StickTable#MAX_SIZE}: HAProxy's {@code size}. */
    public Builder size(int size) {
      if (this.size != 0) {
        throw new IllegalStateException("stick-table size was already set to " + this.size);
      }
      if (size < 1 || size > MAX_SIZE) {
        throw new IllegalArgumentException(
            "stick-table size must be 1 to " + MAX_SIZE + ": " + size);
      }
      this.size = size;
      return this;
    }

    /**
     * How long an entry lives after it was last touched, above 0 and at most {@link
     * StickTable#MAX_EXPIRE}: HAProxy's {@code expire}.
     */
    public Builder expire(Duration expire) {
      requireNonNull(expire, "expire");
      if (this.expire != null) {
        throw new IllegalStateException("stick-table expire was already set to " + this.expire);
      }
      if (expire.isNegative() || expire.isZero()) {
        throw new IllegalArgumentException("stick-table expire must be > 0: " + expire);
      }
      if (expire.compareTo(MAX_EXPIRE) > 0) {
        throw new IllegalArgumentException(
            "stick-table expire must be at most " + MAX_EXPIRE + ": " + expire);
      }
      this.expire = expire;
      return this;
    }

    /**
     * The time source of expiry, {@link Ticker#systemTicker()} by default; tests pass a fake one
     * to move time by hand.
     */
    public Builder ticker(Ticker ticker) {
      requireNonNull(ticker, "ticker");
      if (this.ticker != null) {
        throw new IllegalStateException("stick-table ticker was already set");
      }
      this.ticker = ticker;
      return this;
    }

    /**
     * A new, empty table.
     *
     * @throws IllegalStateException when the size or the expire is not set
     */
    public StickTable build() {
      if (size == 0) {
        throw new IllegalStateException("stick-table size must be set");
      }
      if (expire == null) {
        throw new IllegalStateException("stick-table expire must be set");
      }
      return new StickTable(size, expire, (ticker == null) ? Ticker.systemTicker() : ticker);
    }
  }
}
