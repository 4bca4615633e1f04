/**
 * Steelyard, an embeddable TCP load balancer: {@link io.steelyard.lb.Balancer#builder()} describes
 * frontends and backends, {@code start()} runs them, {@code close()} stops them gracefully;
 * {@link io.steelyard.lb.Admin} changes it while it runs. The configuration it builds is in
 * {@link io.steelyard.lb.config}.
 *
 * <p>Nullness: the API's packages are {@code @NullMarked} (JSpecify): no parameter, return value
 * or record component is {@code null} unless its type says {@code @Nullable}. NullAway checks it
 * as the modules compile.
 */
@NullMarked
package io.steelyard.lb;

import org.jspecify.annotations.NullMarked;
