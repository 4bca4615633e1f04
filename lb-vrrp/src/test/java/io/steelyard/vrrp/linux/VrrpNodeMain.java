package io.steelyard.vrrp.linux;

import io.steelyard.vrrp.packet.Version;
import io.steelyard.vrrp.state.InstanceConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * One Steelyard VRRP instance in a process of its own, for tests that must kill it without a word
 * (a crash sends no priority-0 advert) or run it without privileges. It runs {@link
 * Instances#steelyard} in the network namespace it is started in:
 *
 * <pre>
 * java -cp ... io.steelyard.vrrp.linux.VrrpNodeMain IFACE V2|V3 PRIORITY [nopreempt]
 * </pre>
 *
 * <p>Standard output gets {@code started} once the instance runs, then one line per transition,
 * {@code FROM -> TO REASON}; or {@code failed: MESSAGE} and exit status 1 if it cannot start. The
 * instance closes (gracefully: priority 0, the address removed) when standard input ends.
 */
public final class VrrpNodeMain {
  private VrrpNodeMain() {}

  public static void main(String[] args) throws IOException {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    InstanceConfig.Builder config =
        Instances.steelyard(Version.valueOf(args[1]), Integer.parseInt(args[2]));
    if (args.length > 3 && args[3].equals("nopreempt")) {
      config.noPreempt();
    }
    VrrpInstance instance;
    try {
      instance = VrrpInstance.start(config.build(), args[0],
          t -> out.println(t.from() + " -> " + t.to() + " " + t.reason()));
    } catch (IOException | RuntimeException e) {
      out.println("failed: " + e.getMessage());
      System.exit(1);
      return;
    }
    out.println("started");
    while (System.in.read() >= 0) {
      // Runs until standard input ends.
    }
    instance.close();
  }
}
