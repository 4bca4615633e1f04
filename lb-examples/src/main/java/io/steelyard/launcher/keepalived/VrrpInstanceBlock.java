package io.steelyard.launcher.keepalived;

import io.steelyard.launcher.ConfigLine;
import io.steelyard.launcher.ConfigValues;
import io.steelyard.launcher.Diagnostics;
import io.steelyard.vrrp.Vrrp;
import io.steelyard.vrrp.packet.Version;
import io.steelyard.vrrp.state.State;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A {@code vrrp_instance NAME { ... }} block of keepalived.conf, read into {@link Vrrp#instance}'s
 * builder with keepalived 2.2.7's meaning and defaults ({@link
 * io.steelyard.vrrp.state.InstanceConfig}):
 *
 * <ul>
 *   <li>{@code state MASTER|BACKUP}, {@code interface IFACE} (required: Steelyard has no default
 *       interface), {@code virtual_router_id 1-255} (required), {@code priority 1-255}, {@code
 *       advert_int SECONDS} (decimals for VRRPv3), {@code version 2|3} (or {@code vrrp_version},
 *       default {@code global_defs vrrp_version}, else 2);
 *   <li>{@code authentication { auth_type PASS; auth_pass SECRET }}: over 8 characters, the
 *       password is truncated with a warning, as keepalived does; {@code auth_type AH} is refused;
 *   <li>{@code virtual_ipaddress { ADDR[/LEN] [brd X] [scope S] ... }}: added with that broadcast
 *       address and scope, as keepalived adds it; other options ({@code dev}, {@code label}) are
 *       refused;
 *   <li>{@code track_script { NAME [weight N] ... }}: a {@code vrrp_script} of the files, defined
 *       before or after; an unknown name is an error (keepalived only warns and drops it);
 *   <li>{@code nopreempt}, {@code preempt} (the default), {@code preempt_delay SECONDS};
 *   <li>{@code unicast_src_ip ADDR}, {@code unicast_peer { ADDR ... }};
 *   <li>{@code notify_master}, {@code notify_backup}, {@code notify_fault}, {@code notify_stop}
 *       and {@code notify} (which gets {@code INSTANCE NAME STATE PRIORITY}): see {@link
 *       io.steelyard.vrrp.script.NotifyScripts};
 *   <li>{@code lvs_sync_daemon_interface}: noted, it does not apply (Steelyard has no LVS).
 * </ul>
 *
 * <p>Each line's value is given to a builder as it is read, so a value out of range is an error at
 * its line in the builder's words; the instance is built again, line by line, to start it.
 */
final class VrrpInstanceBlock {
  final ConfigLine header;
  final String name;
  private final Vrrp.Builder check;
  private final List<Step> steps = new ArrayList<>();
  private final List<TrackLine> tracks = new ArrayList<>();
  private boolean hasInterface;
  private boolean hasVersion;

  /** One line's setting, as the call that makes it. */
  private record Step(ConfigLine line, Consumer<Vrrp.Builder> call) {}

  /** One name of a {@code track_script} block, with the weight that overrides the script's. */
  private record TrackLine(ConfigLine line, String script, Integer weight) {}

  private VrrpInstanceBlock(ConfigLine header, String name) {
    this.header = header;
    this.name = name;
    this.check = Vrrp.instance(name);
  }

  /** Reads the block; errors and notes go to {@code diagnostics}. Null without a name or a block. */
  static VrrpInstanceBlock parse(KeepalivedStatement statement, Diagnostics diagnostics) {
    String name = KeepalivedValues.blockName(statement, diagnostics);
    if (name == null) {
      return null;
    }
    VrrpInstanceBlock instance = new VrrpInstanceBlock(statement.line(), name);
    instance.lines(statement.block(), diagnostics, instance::line);
    return instance;
  }

  /** Reads each statement of a block with {@code reader}, an error at the line of each mistake. */
  private void lines(List<KeepalivedStatement> block, Diagnostics diagnostics,
      LineReader reader) {
    for (KeepalivedStatement statement : block) {
      try {
        reader.read(statement, diagnostics);
      } catch (IllegalArgumentException | IllegalStateException e) {
        diagnostics.error(statement.line(), e.getMessage());
      }
    }
  }

  @FunctionalInterface
  private interface LineReader {
    void read(KeepalivedStatement statement, Diagnostics diagnostics);
  }

  private void line(KeepalivedStatement statement, Diagnostics diagnostics) {
    ConfigLine line = statement.line();
    String keyword = line.keyword();
    switch (keyword) {
      case "authentication":
        authentication(statement, diagnostics);
        return;
      case "virtual_ipaddress":
        block(statement);
        lines(statement.block(), diagnostics, (address, unused) -> virtualAddress(address));
        return;
      case "track_script":
        block(statement);
        lines(statement.block(), diagnostics, this::trackScript);
        return;
      case "unicast_peer":
        block(statement);
        lines(statement.block(), diagnostics, this::unicastPeer);
        return;
      default:
        KeepalivedValues.noBlock(statement, "vrrp_instance");
    }
    switch (keyword) {
      case "state":
        line.expect(1, 1, "MASTER or BACKUP");
        State state = switch (line.word(1)) {
          case "MASTER" -> State.MASTER;
          case "BACKUP" -> State.BACKUP;
          default -> throw new IllegalArgumentException(
              "'state' expects MASTER or BACKUP (got '" + line.word(1) + "')");
        };
        step(line, b -> b.state(state));
        break;
      case "interface":
        line.expect(1, 1, "an interface name");
        String iface = line.word(1);
        step(line, b -> b.iface(iface));
        hasInterface = true;
        break;
      case "virtual_router_id":
        line.expect(1, 1, "an integer argument");
        int vrid = ConfigValues.integer(keyword, line.word(1));
        step(line, b -> b.virtualRouterId(vrid));
        break;
      case "priority":
        line.expect(1, 1, "an integer argument");
        int priority = ConfigValues.integer(keyword, line.word(1));
        step(line, b -> b.priority(priority));
        break;
      case "advert_int":
        Duration interval = KeepalivedValues.seconds(line);
        step(line, b -> b.advertInterval(interval));
        break;
      case "version":
      case "vrrp_version":
        Version version = version(line);
        step(line, b -> b.version(version));
        hasVersion = true;
        break;
      case "nopreempt":
        line.expect(1, 0, "no argument");
        step(line, Vrrp.Builder::noPreempt);
        break;
      case "preempt":
        line.expect(1, 0, "no argument");
        break;
      case "preempt_delay":
        Duration delay = KeepalivedValues.seconds(line);
        step(line, b -> b.preemptDelay(delay));
        break;
      case "unicast_src_ip":
        line.expect(1, 1, "an IPv4 address");
        String source = line.word(1);
        step(line, b -> b.unicastSource(source));
        break;
      case "notify_master":
      case "notify_backup":
      case "notify_fault":
      case "notify_stop":
        State to = State.valueOf(keyword.substring("notify_".length()).toUpperCase());
        List<String> command = KeepalivedValues.command(line, "a script");
        step(line, b -> b.notifyScript(to, command));
        break;
      case "notify":
        List<String> generic = KeepalivedValues.command(line, "a script");
        step(line, b -> b.notifyScript(generic));
        break;
      case "lvs_sync_daemon_interface":
        line.expect(1, 1, "an interface name");
        diagnostics.ignored(line, "'lvs_sync_daemon_interface'",
            "it has no LVS connection table to synchronise");
        break;
      default:
        throw new IllegalArgumentException(
            "unknown keyword '" + keyword + "' in 'vrrp_instance' block");
    }
  }

  /** {@code version N} or {@code vrrp_version N}, here or in {@code global_defs}. */
  static Version version(ConfigLine line) {
    line.expect(1, 1, "2 or 3");
    return switch (line.word(1)) {
      case "2" -> Version.V2;
      case "3" -> Version.V3;
      default -> throw new IllegalArgumentException(
          "'" + line.keyword() + "' expects 2 or 3 (got '" + line.word(1) + "')");
    };
  }

  private static void block(KeepalivedStatement statement) {
    statement.line().expect(1, 0, "a block { ... } and no argument");
    if (statement.block() == null) {
      throw new IllegalArgumentException(
          "'" + statement.keyword() + "' expects a block { ... }");
    }
  }

  private void authentication(KeepalivedStatement statement, Diagnostics diagnostics) {
    block(statement);
    String[] type = new String[1];
    ConfigLine[] passLine = new ConfigLine[1];
    lines(statement.block(), diagnostics, (s, d) -> {
      ConfigLine line = s.line();
      KeepalivedValues.noBlock(s, "authentication");
      switch (line.keyword()) {
        case "auth_type":
          line.expect(1, 1, "PASS");
          if (line.word(1).equals("AH")) {
            throw new IllegalArgumentException(
                "'auth_type AH' is not supported by Steelyard (nor by keepalived in VRRPv3);"
                    + " use PASS");
          }
          if (!line.word(1).equals("PASS")) {
            throw new IllegalArgumentException(
                "'auth_type' expects PASS (got '" + line.word(1) + "')");
          }
          type[0] = "PASS";
          break;
        case "auth_pass":
          line.expect(1, 1, "a password");
          passLine[0] = line;
          break;
        default:
          throw new IllegalArgumentException(
              "unknown keyword '" + line.keyword() + "' in 'authentication' block");
      }
    });
    ConfigLine pass = passLine[0];
    if (type[0] == null) {
      if (pass != null) {
        diagnostics.warning(pass, "'auth_pass' without 'auth_type PASS'; ignored");
      }
      return;
    }
    if (pass == null) {
      diagnostics.error(statement.line(), "'auth_type PASS' needs an 'auth_pass'");
      return;
    }
    String secret = pass.word(1);
    if (secret.getBytes(StandardCharsets.UTF_8).length > 8) {
      diagnostics.warning(pass, "'auth_pass' is longer than 8 characters; truncating it to 8,"
          + " as keepalived does");
    }
    try {
      step(pass, b -> b.authPass(secret));
    } catch (IllegalArgumentException | IllegalStateException e) {
      diagnostics.error(pass, e.getMessage());
    }
  }

  /** {@code ADDR[/LEN] [brd X] [scope S]}, as {@code Vrrp.Builder.virtualAddress} reads it. */
  private void virtualAddress(KeepalivedStatement statement) {
    KeepalivedValues.noBlock(statement, "virtual_ipaddress");
    ConfigLine line = statement.line();
    StringBuilder text = new StringBuilder(line.keyword());
    for (int i = 1; i <= line.arguments(); i++) {
      text.append(' ').append(line.word(i));
    }
    step(line, b -> b.virtualAddress(text.toString()));
  }

  private void trackScript(KeepalivedStatement statement, Diagnostics diagnostics) {
    KeepalivedValues.noBlock(statement, "track_script");
    ConfigLine line = statement.line();
    Integer weight = null;
    if (line.arguments() > 0) {
      if (!line.word(1).equals("weight")) {
        throw new IllegalArgumentException(
            "'" + line.word(1) + "' is not supported after a track_script name (only weight N)");
      }
      if (line.arguments() == 3 && line.word(3).equals("reverse")) {
        throw new IllegalArgumentException("'weight ... reverse' is not supported by Steelyard");
      }
      line.expect(2, 1, "an integer after 'weight'");
      weight = KeepalivedValues.range("weight", line.word(2), -253, 253);
    }
    tracks.add(new TrackLine(line, line.keyword(), weight));
  }

  private void unicastPeer(KeepalivedStatement statement, Diagnostics diagnostics) {
    KeepalivedValues.noBlock(statement, "unicast_peer");
    ConfigLine line = statement.line();
    line.expect(0, 1, "an IPv4 address");
    String peer = line.keyword();
    step(line, b -> b.unicastPeer(peer));
  }

  /** Gives the setting to the checking builder, which fails at once on a bad value, and keeps it. */
  private void step(ConfigLine line, Consumer<Vrrp.Builder> call) {
    call.accept(check);
    steps.add(new Step(line, call));
  }

  /**
   * Completes the instance once every file is read: the version of {@code global_defs} if it has
   * none, the scripts it tracks, and the checks that need the whole instance.
   *
   * @param scripts the {@code vrrp_script}s of the files, by name
   * @param globalVersion {@code global_defs}'s {@code vrrp_version} line, or {@code null}
   * @param withBalancer whether an HAProxy file runs beside it: then the instance is attached to
   *     the balancer, which replaces the scripts that check for an haproxy process
   */
  void finish(Map<String, VrrpScriptBlock> scripts, ConfigLine globalVersion,
      boolean withBalancer, Diagnostics diagnostics) {
    if (!hasVersion && globalVersion != null) {
      Version version = version(globalVersion);
      step(globalVersion, b -> b.version(version));
    }
    boolean balancerTracked = false;
    for (TrackLine track : tracks) {
      VrrpScriptBlock script = scripts.get(track.script());
      if (script == null) {
        diagnostics.error(track.line(), "track_script '" + track.script()
            + "' names no vrrp_script" + (scripts.isEmpty() ? "" : " (there are: "
            + String.join(", ", scripts.keySet()) + ")"));
        continue;
      }
      if (!script.valid()) {
        continue; // its error is reported at its block
      }
      int weight = track.weight() == null ? script.weight() : track.weight();
      try {
        if (withBalancer && script.checksHaproxyProcess()) {
          if (balancerTracked) {
            diagnostics.notice(track.line(), "track_script '" + track.script() + "' checks for"
                + " an haproxy process too; the balancer is tracked once, ignored");
            continue;
          }
          step(track.line(), b -> b.balancerWeight(weight));
          balancerTracked = true;
          diagnostics.notice(track.line(), "vrrp_script '" + track.script() + "' ('"
              + script.commandLine() + "') checks for an haproxy process, which the launcher"
              + " does not run: the instance tracks its balancer's health instead (weight "
              + weight + ")");
        } else {
          step(track.line(), b -> b.trackScript(script.track(weight)));
        }
      } catch (IllegalArgumentException | IllegalStateException e) {
        diagnostics.error(track.line(), e.getMessage());
      }
    }
    if (withBalancer && !balancerTracked) {
      diagnostics.notice(header, "vrrp_instance '" + name + "' runs beside the balancer of the"
          + " HAProxy file and tracks its health (weight 0: Fault while it is unhealthy)");
    }
    if (!hasInterface) {
      diagnostics.error(header, "vrrp_instance '" + name + "' has no 'interface' (Steelyard has"
          + " no default interface)");
      return;
    }
    try {
      check.config();
    } catch (IllegalArgumentException | IllegalStateException e) {
      diagnostics.error(header, e.getMessage());
    }
  }

  /** A new builder with every setting of the files, to start the instance. */
  Vrrp.Builder builder() {
    Vrrp.Builder builder = Vrrp.instance(name);
    steps.forEach(step -> step.call().accept(builder));
    return builder;
  }
}
