package io.steelyard.launcher.haproxy;

import io.steelyard.launcher.ConfigLine;
import io.steelyard.launcher.Diagnostics;
import io.steelyard.lb.ConfigException;
import java.util.function.Consumer;

/**
 * A value that a line of the file gives, kept as the builder call that sets it, so that it is
 * applied once whatever overrode it, and a builder that refuses it is answered with that line.
 *
 * @param <B> the builder it sets: a frontend's, a backend's, the balancer's
 */
record Setting<B>(ConfigLine line, Consumer<B> call) {

  /** Calls the builder; a {@link ConfigException} it throws becomes an error at this line. */
  void applyTo(B builder, Diagnostics diagnostics) {
    try {
      call.accept(builder);
    } catch (ConfigException e) {
      diagnostics.error(line, e.getMessage());
    }
  }
}
