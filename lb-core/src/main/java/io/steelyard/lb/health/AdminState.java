package io.steelyard.lb.health;

/**
 * What an operator lets a server do, HAProxy's {@code set server B/S state ready|drain|maint}.
 * Independent of the checks: a server in maintenance stays so whatever its checks say, and a
 * ready server is still down while its checks fail.
 */
public enum AdminState {
  /** Takes connections as its checks allow. */
  READY,
  /** Takes no new client; clients stuck to it still come, open connections go on. */
  DRAIN,
  /** Takes nothing; open connections go on unless shut down. */
  MAINT;

  /** The state HAProxy calls {@code keyword} ({@code ready}, {@code drain}, {@code maint}). */
  public static AdminState of(String keyword) {
    switch (keyword) {
      case "ready":
        return READY;
      case "drain":
        return DRAIN;
      case "maint":
        return MAINT;
      default:
        throw new IllegalArgumentException(
            "unknown server state '" + keyword + "' (expected ready, drain or maint)");
    }
  }
}
