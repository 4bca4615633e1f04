package io.steelyard.vrrp.linux;

import io.steelyard.vrrp.state.VirtualAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs iproute2's {@code ip}: to read an interface's address, and to add and delete the virtual
 * addresses. A command inherits the network namespace of the thread that starts it. rtnetlink
 * through JNA would save a process per change; a change happens once per failover, so the command
 * is enough for now.
 */
final class IpCommand {
  private static final long TIMEOUT_SECONDS = 5;

  private IpCommand() {}

  /** {@code ip addr add ADDRESS/LEN dev IFACE}; an address already there is fine. */
  static void addAddress(String iface, VirtualAddress address) throws IOException {
    change("add", iface, address, "File exists");
  }

  /** {@code ip addr del ADDRESS/LEN dev IFACE}; an address already gone is fine. */
  static void deleteAddress(String iface, VirtualAddress address) throws IOException {
    change("del", iface, address, "Cannot assign requested address");
  }

  private static void change(String verb, String iface, VirtualAddress address, String harmless)
      throws IOException {
    try {
      run(List.of("ip", "addr", verb, address.toString(), "dev", iface));
    } catch (IOException e) {
      if (e.getMessage() == null || !e.getMessage().contains(harmless)) {
        throw e;
      }
    }
  }

  /**
   * Runs the command, waiting at most 5 seconds, and returns its output.
   *
   * @throws IOException if it cannot start, times out, or exits non-zero (with its output)
   */
  static String run(List<String> command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String output =
          new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new IOException("timed out after " + TIMEOUT_SECONDS + " s: " + command);
      }
      if (process.exitValue() != 0) {
        throw new IOException(
            String.join(" ", command) + " exited " + process.exitValue() + ": " + output.strip());
      }
      return output;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + command, e);
    } finally {
      process.destroyForcibly();
    }
  }
}
