package io.steelyard.lb.health;

import org.jspecify.annotations.Nullable;

/**
 * A checked server's health checks at one moment, with HAProxy's stats names.
 *
 * @param rise passed checks in a row that bring the server up ({@code check_rise})
 * @param fall failed checks in a row that take it down ({@code check_fall})
 * @param health the {@link Health} counter, 0 to {@code rise + fall - 1} ({@code check_health})
 * @param up whether the checks say the server is up
 * @param failedChecks checks that failed since start ({@code chkfail})
 * @param downTransitions times the server went from up to down ({@code chkdown})
 * @param last the outcome of the last check, {@code null} before the first
 * @param running whether a check is under way (HAProxy then shows the last status after {@code *})
 * @param lastDurationMillis how long the last check took, -1 before the first
 */
public record CheckStats(
    int rise,
    int fall,
    int health,
    boolean up,
    long failedChecks,
    long downTransitions,
    @Nullable CheckOutcome last,
    boolean running,
    long lastDurationMillis) {}
