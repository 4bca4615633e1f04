package io.steelyard.vrrp.linux;

import io.steelyard.lb.testing.NetworkNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * keepalived (Debian's package) run by a test in a network namespace, in the foreground ({@code
 * -n}), logging to a file: one {@code vrrp_instance VI_1} of virtual router 51 for {@link
 * TwoHosts#VIP}, like the Steelyard instances it meets.
 */
final class Keepalived implements AutoCloseable {
  private final Process process;
  private final Path dir;

  private Keepalived(Process process, Path dir) {
    this.process = process;
    this.dir = dir;
  }

  /**
   * The configuration: VRRP {@code version} (2 or 3), {@code advertInt} as keepalived reads it
   * ("1", "0.1"), and {@code extra} lines inside the instance block (authentication, unicast).
   */
  static String config(String iface, int priority, int version, String advertInt, String extra) {
    return """
        global_defs {
          router_id steelyard_test
          vrrp_version %d
        }
        vrrp_instance VI_1 {
          state BACKUP
          interface %s
          virtual_router_id 51
          priority %d
          advert_int %s
          virtual_ipaddress {
            %s/32
          }
        %s
        }
        """.formatted(version, iface, priority, advertInt, TwoHosts.VIP, extra);
  }

  /** keepalived's {@code authentication} block for {@code auth_type PASS}. */
  static String auth(String pass) {
    return "  authentication {\n    auth_type PASS\n    auth_pass " + pass + "\n  }\n";
  }

  /** keepalived's {@code unicast_src_ip} and {@code unicast_peer} block. */
  static String unicast(String source, String... peers) {
    return "  unicast_src_ip " + source + "\n  unicast_peer {\n    " + String.join("\n    ", peers)
        + "\n  }\n";
  }

  /** Starts keepalived in {@code ns} with {@code config}, keeping its files in {@code dir}. */
  static Keepalived start(NetworkNamespace ns, Path dir, String config) throws IOException {
    Files.createDirectories(dir);
    Path conf = dir.resolve("keepalived.conf");
    Files.writeString(conf, config);
    ProcessBuilder builder = new ProcessBuilder(ns.prefixed("keepalived", "-n", "-l", "-D",
        "-f", conf.toString(), "--pid=" + dir.resolve("keepalived.pid"),
        "--vrrp_pid=" + dir.resolve("vrrp.pid")));
    builder.redirectErrorStream(true).redirectOutput(dir.resolve("keepalived.log").toFile());
    return new Keepalived(builder.start(), dir);
  }

  /** Its log so far, for assertion messages. */
  String log() throws IOException {
    Path log = dir.resolve("keepalived.log");
    return Files.exists(log) ? Files.readString(log) : "(none)";
  }

  /**
   * Kills it without a word, as a crash would: the VRRP child is frozen first, so that it sends
   * nothing more, not even the priority-0 advert it would send on the SIGTERM it gets when its
   * parent dies; then both are killed. The virtual address stays where it was, as on a dead host.
   */
  void crash() throws Exception {
    Optional<ProcessHandle> child = vrrpChild();
    child.ifPresent(c -> signal(c, "STOP"));
    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    child.ifPresent(ProcessHandle::destroyForcibly);
  }

  /** SIGTERM, which makes keepalived send priority 0 and remove the VIP; SIGKILL after 10 s. */
  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    vrrpChild().ifPresent(ProcessHandle::destroyForcibly);
  }

  private Optional<ProcessHandle> vrrpChild() throws IOException {
    Path pid = dir.resolve("vrrp.pid");
    if (!Files.exists(pid)) {
      return Optional.empty();
    }
    String text = Files.readString(pid).strip();
    return text.isEmpty() ? Optional.empty() : ProcessHandle.of(Long.parseLong(text));
  }

  private static void signal(ProcessHandle process, String signal) {
    try {
      new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start()
          .waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
