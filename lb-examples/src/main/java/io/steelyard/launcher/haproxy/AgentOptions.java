package io.steelyard.launcher.haproxy;

import io.steelyard.launcher.ConfigValues;
import io.steelyard.lb.health.AgentCheck;
import io.steelyard.lb.health.Check;
import java.time.Duration;

/**
 * The agent options of a {@code server} line, with HAProxy's meaning: {@code agent-check} asks an
 * agent on {@code agent-port} (the server's {@code port} when not given; one of them is needed, as
 * in HAProxy) at {@code agent-addr} (the server's {@code addr}, else its address) every {@code
 * agent-inter} (2 s, whatever {@code inter} says), sending {@code agent-send} once connected.
 * Without {@code agent-check} the others change nothing, as in HAProxy.
 */
final class AgentOptions {
  private boolean enabled;
  private String port;
  private String address;
  private String inter;
  private String send;
  private String checkPort;

  /** Takes {@code keyword} and its {@code value}. */
  void set(String keyword, String value) {
    switch (keyword) {
      case "agent-check" -> enabled = true;
      case "agent-port" -> port = value;
      case "agent-addr" -> address = value;
      case "agent-inter" -> inter = value;
      case "agent-send" -> send = value;
      default -> checkPort = value;
    }
  }

  /** The agent check, or {@code null} without {@code agent-check}. */
  AgentCheck settings(String server) {
    if (!enabled) {
      return null;
    }
    String portText = port != null ? port : checkPort;
    if (portText == null) {
      throw new IllegalArgumentException(
          "server " + server + " does not have agent port. Agent check has been disabled.");
    }
    AgentCheck agent = Check.agent(ConfigValues.integer("agent-port", portText));
    if (address != null) {
      agent = agent.address(ConfigValues.ipAddress("agent-addr", address));
    }
    if (inter != null) {
      Duration every = ConfigValues.time("agent-inter", inter);
      agent = agent.inter(every);
    }
    return send == null ? agent : agent.send(send);
  }
}
