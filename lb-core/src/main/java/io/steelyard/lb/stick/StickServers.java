package io.steelyard.lb.stick;

import org.jspecify.annotations.Nullable;

/**
 * The servers behind the ids a {@link StickTable} stores (their positions in the backend), as
 * other processes know them: by name and by HAProxy id ({@code id}, the stats' {@code sid}). What
 * a replicated table sends with each entry, and how it reads another process's entry.
 */
public interface StickServers {
  /** The name of the server stored as {@code serverId}, or {@code null} when there is none. */
  @Nullable String name(int serverId);

  /** The HAProxy id of the server stored as {@code serverId}, or -1 when there is none. */
  int haproxyId(int serverId);

  /**
   * The stored id of the server called {@code name}, else of the one with HAProxy id {@code
   * haproxyId}, else -1: how HAProxy resolves a peer's entry. {@code name} may be null and {@code
   * haproxyId} -1.
   */
  int serverId(@Nullable String name, int haproxyId);
}
