package io.steelyard.lb.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace that a test creates and deletes: a test host with no route out, for
 * traffic to documentation addresses (198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) only.
 * Deleting it takes its interfaces, addresses, routes, firewall rules and sysctls with it.
 */
public final class NetworkNamespace implements AutoCloseable {
  private final String name;

  private NetworkNamespace(String name) {
    this.name = name;
  }

  /** Creates {@code sy-PREFIX-NNNN} with its loopback up. */
  public static NetworkNamespace create(String prefix) throws IOException, InterruptedException {
    String name = "sy-" + prefix + "-" + ThreadLocalRandom.current().nextInt(10_000);
    run(List.of("ip", "netns", "add", name));
    NetworkNamespace ns = new NetworkNamespace(name);
    ns.exec("ip", "link", "set", "lo", "up");
    return ns;
  }

  public String name() {
    return name;
  }

  /** Runs a command inside the namespace; fails with its output when it exits non-zero. */
  public String exec(String... command) throws IOException, InterruptedException {
    return run(prefixed(command));
  }

  /** Runs a command inside the namespace and returns its exit code, whatever it is. */
  public int status(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(prefixed(command)).redirectErrorStream(true).start();
    process.getInputStream().readAllBytes();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("timed out: " + String.join(" ", command));
    }
    return process.exitValue();
  }

  /** The command line that runs {@code command} inside the namespace. */
  public List<String> prefixed(String... command) {
    List<String> line = new ArrayList<>(List.of("ip", "netns", "exec", name));
    line.addAll(List.of(command));
    return line;
  }

  /**
   * Joins this namespace and {@code other} by a veth pair, with the given addresses (CIDR) on
   * each end.
   */
  public void link(String thisEnd, String thisAddress, NetworkNamespace other, String otherEnd,
      String otherAddress) throws IOException, InterruptedException {
    run(List.of("ip", "link", "add", thisEnd, "netns", name, "type", "veth", "peer", "name",
        otherEnd, "netns", other.name));
    addAddress(thisEnd, thisAddress);
    exec("ip", "link", "set", thisEnd, "up");
    other.addAddress(otherEnd, otherAddress);
    other.exec("ip", "link", "set", otherEnd, "up");
  }

  /**
   * Joins {@code host} to {@code bridge}, a bridge of this namespace, by a veth pair: this end is
   * {@code port}, a port of the bridge; the other is {@code device} in {@code host}, with {@code
   * address} (CIDR), up.
   */
  public void plug(String bridge, String port, NetworkNamespace host, String device, String address)
      throws IOException, InterruptedException {
    exec("ip", "link", "add", port, "type", "veth", "peer", "name", device, "netns", host.name());
    exec("ip", "link", "set", port, "master", bridge, "up");
    host.addAddress(device, address);
    host.exec("ip", "link", "set", device, "up");
  }

  /**
   * Adds an address (CIDR) to an interface. IPv6 addresses skip duplicate address detection
   * ({@code nodad}), so that they are usable at once instead of tentative for a second or two.
   */
  public void addAddress(String device, String address) throws IOException, InterruptedException {
    if (address.contains(":")) {
      exec("ip", "-6", "addr", "add", address, "dev", device, "nodad");
    } else {
      exec("ip", "addr", "add", address, "dev", device);
    }
  }

  /**
   * Sets a sysctl of this namespace's network stack, such as {@code net.ipv4.ip_forward}, and
   * reads it back: fails unless it took. Written through {@code /proc/sys} from inside the
   * namespace (the {@code sysctl} command is not always installed).
   */
  public void sysctl(String key, String value) throws IOException, InterruptedException {
    if (!key.matches("net\\.[A-Za-z0-9_.-]+") || !value.matches("[0-9A-Za-z ]+")) {
      throw new IllegalArgumentException("not a network sysctl: " + key + "=" + value);
    }
    String file = "/proc/sys/" + key.replace('.', '/');
    exec("sh", "-c", "echo '" + value + "' > " + file);
    String now = exec("cat", file).strip();
    if (!now.equals(value)) {
      throw new IOException(key + " is " + now + " in " + name + " after setting it to " + value);
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    run(List.of("ip", "netns", "del", name));
  }

  /**
   * Runs a command in this process's own namespace, such as the host's end of a link into a test
   * namespace; fails with its output when it exits non-zero.
   */
  public static String run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("timed out: " + String.join(" ", command));
    }
    if (process.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed (" + process.exitValue() + "): " + output);
    }
    return output;
  }
}
