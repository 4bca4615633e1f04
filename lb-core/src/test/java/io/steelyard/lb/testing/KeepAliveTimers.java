package io.steelyard.lb.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The keep-alive timers of this host's established TCP sockets, as {@code ss -tno} reports them:
 * the time left before a socket with {@code SO_KEEPALIVE} sends its next probe, by the socket's
 * local and peer addresses. A socket without keep-alive has no entry.
 */
public final class KeepAliveTimers {
  private static final Pattern LINE = Pattern.compile(
      "^\\d+\\s+\\d+\\s+(\\S+)\\s+(\\S+)\\s+.*timer:\\(keepalive,(?:(\\d+)min)?([\\d.]+)?(ms|sec)?,");

  private final Map<String, Double> secondsLeft;

  private KeepAliveTimers(Map<String, Double> secondsLeft) {
    this.secondsLeft = secondsLeft;
  }

  /** Reads them now with {@code ss -tnoH state established}. */
  public static KeepAliveTimers now() throws IOException, InterruptedException {
    Process ss = new ProcessBuilder("ss", "-tnoH", "state", "established")
        .redirectErrorStream(true).start();
    String output = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!ss.waitFor(10, TimeUnit.SECONDS) || ss.exitValue() != 0) {
      throw new IOException("ss failed: " + output);
    }
    Map<String, Double> timers = new HashMap<>();
    for (String line : output.split("\n")) {
      Matcher m = LINE.matcher(line.trim());
      if (m.find()) {
        double seconds = (m.group(3) == null ? 0 : 60.0 * Integer.parseInt(m.group(3)))
            + (m.group(4) == null ? 0 : Double.parseDouble(m.group(4))
                / ("ms".equals(m.group(5)) ? 1000.0 : 1.0));
        timers.put(plain(m.group(1)) + " " + plain(m.group(2)), seconds);
      }
    }
    return new KeepAliveTimers(timers);
  }

  /**
   * The seconds left on the keep-alive timer of the socket from {@code local} to {@code peer}, or
   * {@code null} when it has none.
   */
  public Double secondsLeft(InetSocketAddress local, InetSocketAddress peer) {
    return secondsLeft.get(text(local) + " " + text(peer));
  }

  /** {@code [::ffff:127.0.0.1]:80}, a dual-stack socket's IPv4 peer, as {@code 127.0.0.1:80}. */
  private static String plain(String address) {
    return address.startsWith("[::ffff:") ? address.substring(8).replace("]:", ":") : address;
  }

  private static String text(InetSocketAddress address) {
    return address.getAddress().getHostAddress() + ":" + address.getPort();
  }
}
