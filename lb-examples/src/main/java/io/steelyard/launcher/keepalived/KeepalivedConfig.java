package io.steelyard.launcher.keepalived;

import io.steelyard.launcher.ConfigFile;
import io.steelyard.launcher.ConfigFileException;
import io.steelyard.launcher.ConfigLine;
import io.steelyard.launcher.Diagnostics;
import io.steelyard.vrrp.Vrrp;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A keepalived.conf, read into Steelyard's VRRP builders: {@code global_defs} ({@link
 * GlobalDefs}), {@code vrrp_script} ({@link VrrpScriptBlock}) and {@code vrrp_instance} ({@link
 * VrrpInstanceBlock}) blocks, with keepalived 2.2.7's syntax ({@link KeepalivedStatement}).
 *
 * <p>As for HAProxy files, nothing is silently ignored: an unknown keyword, a keyword in the wrong
 * block, a missing or extra argument and a bad value are each an error naming the file, the line
 * and the keyword; what is accepted without effect gets a notice. Several files are read as one
 * configuration (scripts may be defined in any of them); keepalived's {@code include} is refused,
 * give each file with its own {@code -f} instead.
 *
 * <p>Beside an HAProxy file the instances are attached to its balancer: each tracks the balancer's
 * health, and a {@code vrrp_script} that only checks for an haproxy process ({@code killall -0
 * haproxy}, {@code pidof haproxy}, {@code pgrep haproxy}), which would always fail since the
 * launcher runs no such process, is replaced by that tracking with its weight. Alone, the
 * instances run without a balancer.
 */
public final class KeepalivedConfig {
  private final List<VrrpInstanceBlock> instances;
  private final List<String> notes;

  private KeepalivedConfig(List<VrrpInstanceBlock> instances, List<String> notes) {
    this.instances = instances;
    this.notes = notes;
  }

  /**
   * Reads {@code files} as one configuration, each within the bounds of {@link ConfigFile}.
   *
   * @param withBalancer whether the instances run beside a balancer, attached to it
   * @throws ConfigFileException with every mistake of the files, or when a file cannot be read
   *     or has a NUL byte, a line over 64 KiB or more than 64 MiB
   */
  public static KeepalivedConfig read(List<Path> files, boolean withBalancer) {
    Reader reader = new Reader();
    for (Path file : files) {
      reader.file(file.toString(), ConfigFile.open(file));
    }
    return reader.finish(withBalancer);
  }

  /** Reads the text of a file called {@code file}, as {@link #read} reads a file. */
  static KeepalivedConfig parse(String file, String text, boolean withBalancer) {
    Reader reader = new Reader();
    reader.file(file, text);
    return reader.finish(withBalancer);
  }

  /** The notices and warnings, one a line, to print before running. */
  public List<String> notes() {
    return notes;
  }

  /** A new builder for each instance, set up as the files say, to attach to a balancer. */
  public List<Vrrp.Builder> builders() {
    return instances.stream().map(VrrpInstanceBlock::builder).toList();
  }

  /**
   * Starts every instance without a balancer, in order; if one cannot start, those started are
   * closed. Returns the builders, each with its {@linkplain Vrrp.Builder#running() running
   * instance}, which a reload {@linkplain Vrrp.Builder#reconfigure reconfigures}.
   *
   * @throws IllegalStateException naming the instance and why it cannot start (no such
   *     interface, a missing capability, ...)
   */
  public List<Vrrp.Builder> startStandalone() {
    List<Vrrp.Builder> started = new ArrayList<>();
    for (VrrpInstanceBlock instance : instances) {
      Vrrp.Builder builder = instance.builder();
      try {
        builder.startStandalone();
        started.add(builder);
      } catch (IOException | RuntimeException e) {
        started.forEach(running -> running.running().close());
        throw new IllegalStateException("vrrp_instance '" + instance.name + "' ("
            + instance.header.place() + ") cannot start: " + e.getMessage(), e);
      }
    }
    return started;
  }

  /** Reads files one after the other into blocks, keeping every error. */
  private static final class Reader {
    private final Diagnostics diagnostics = new Diagnostics();
    private final GlobalDefs globalDefs = new GlobalDefs();
    private final Map<String, VrrpScriptBlock> scripts = new LinkedHashMap<>();
    private final Map<String, VrrpInstanceBlock> instances = new LinkedHashMap<>();

    void file(String file, String text) {
      for (KeepalivedStatement statement : KeepalivedStatement.parse(file, text, diagnostics)) {
        try {
          statement(statement);
        } catch (IllegalArgumentException e) {
          diagnostics.error(statement.line(), e.getMessage());
        }
      }
    }

    private void statement(KeepalivedStatement statement) {
      ConfigLine line = statement.line();
      switch (line.keyword()) {
        case "global_defs":
          line.expect(1, 0, "a block { ... } and no argument");
          if (statement.block() == null) {
            throw new IllegalArgumentException("'global_defs' expects a block { ... }");
          }
          for (KeepalivedStatement inner : statement.block()) {
            try {
              globalDefs.parse(inner, diagnostics);
            } catch (IllegalArgumentException e) {
              diagnostics.error(inner.line(), e.getMessage());
            }
          }
          break;
        case "vrrp_script":
          VrrpScriptBlock script = VrrpScriptBlock.parse(statement, diagnostics);
          if (script != null) {
            add(scripts, "vrrp_script", script.name, script, s -> s.header);
          }
          break;
        case "vrrp_instance":
          VrrpInstanceBlock instance = VrrpInstanceBlock.parse(statement, diagnostics);
          if (instance != null) {
            add(instances, "vrrp_instance", instance.name, instance, i -> i.header);
          }
          break;
        case "include":
          throw new IllegalArgumentException("'include' is not supported by Steelyard: give"
              + " each file with its own -f, they are read as one configuration");
        default:
          throw new IllegalArgumentException("unknown keyword '" + line.keyword() + "' at top"
              + " level (Steelyard reads global_defs, vrrp_script and vrrp_instance blocks)");
      }
    }

    /**
     * Keeps {@code block} under {@code name}; fails when a block of that kind and name was read
     * already, naming where.
     */
    private static <T> void add(
        Map<String, T> blocks, String kind, String name, T block, Function<T, ConfigLine> header) {
      T taken = blocks.get(name);
      if (taken != null) {
        throw new IllegalArgumentException(
            kind + " '" + name + "' is already defined at " + header.apply(taken).place());
      }
      blocks.put(name, block);
    }

    KeepalivedConfig finish(boolean withBalancer) {
      for (VrrpInstanceBlock instance : instances.values()) {
        instance.finish(scripts, globalDefs.vrrpVersion, withBalancer, diagnostics);
      }
      if (instances.isEmpty()) {
        diagnostics.error(null, "no vrrp_instance is defined in the keepalived configuration");
      }
      diagnostics.failOnErrors();
      return new KeepalivedConfig(List.copyOf(instances.values()), diagnostics.notes());
    }
  }
}
