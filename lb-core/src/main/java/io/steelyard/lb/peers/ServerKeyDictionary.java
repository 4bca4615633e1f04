package io.steelyard.lb.peers;

import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The dictionary of server names of one direction of a peer session, HAProxy's {@code dcache}:
 * 128 slots, numbered from 1 on the wire. A name is sent whole the first time, with the slot it
 * takes ({@code length, slot, name length, name}), and then by its slot alone ({@code 01, slot});
 * when the slots are used up, the next name takes the oldest slot. A session has one dictionary
 * for what it sends and one for what it receives.
 */
public final class ServerKeyDictionary {
  /** How many names a dictionary holds. */
  public static final int SLOTS = 128;

  private final String[] names = new String[SLOTS];
  private final Map<String, Integer> slots = new HashMap<>();
  private int next;

  /** Writes {@code name} ({@code null} for none), whole or by its slot. */
  public void write(@Nullable String name, PeerWriter out) {
    if (name == null) {
      out.varint(0);
      return;
    }
    Integer slot = slots.get(name);
    if (slot != null) {
      out.varint(1).varint(slot + 1);
      return;
    }
    slot = next;
    next = (next + 1) % SLOTS;
    if (names[slot] != null) {
      slots.remove(names[slot]);
    }
    names[slot] = name;
    slots.put(name, slot);
    byte[] entry = new PeerWriter().varint(slot + 1).varint(name.length()).string(name).toByteArray();
    out.varint(entry.length).bytes(entry);
  }

  /**
   * Reads a name written by {@link #write}: {@code null} for none. A slot out of range, or one
   * never filled, is a {@link PeerRejection#BAD_DICTIONARY_ENTRY}.
   */
  public @Nullable String read(PeerReader in) {
    int length = in.varint(PeerFrame.MAX_PAYLOAD);
    if (in.failed() || length == 0) {
      return null;
    }
    if (length > in.remaining()) {
      in.fail(PeerRejection.TRUNCATED);
      return null;
    }
    int end = in.remaining() - length;
    int slot = in.varint(Integer.MAX_VALUE);
    if (in.failed() || slot < 1 || slot > SLOTS) {
      in.fail(PeerRejection.BAD_DICTIONARY_ENTRY);
      return null;
    }
    if (in.remaining() == end) {
      String known = names[slot - 1];
      if (known == null) {
        in.fail(PeerRejection.BAD_DICTIONARY_ENTRY);
      }
      return known;
    }
    int nameLength = in.varint(PeerFrame.MAX_PAYLOAD);
    if (in.failed() || in.remaining() - nameLength != end) {
      in.fail(PeerRejection.TRUNCATED);
      return null;
    }
    String name = in.string(nameLength);
    names[slot - 1] = name;
    return name;
  }
}
