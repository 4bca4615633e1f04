package io.steelyard.lb.health;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * HAProxy's agent check: every {@link #inter} (2 s), a TCP connection to an agent that runs
 * beside the server, on {@link #port} (and {@link #address}, the server's by default), sends
 * {@link #send} if set and reads one line of words that steer the server: {@code up}, {@code
 * down} (or {@code stopped}, {@code fail}), {@code ready}, {@code drain}, {@code maint}, a weight
 * such as {@code 75%} of the configured one, {@code maxconn:N} (0 for no limit), and a message
 * after {@code #}.
 * It runs beside the health check, if any: the server is up when both say so. An agent that
 * cannot be reached, or answers nothing, changes nothing.
 *
 * <pre>{@code s -> s.check().agentCheck(Check.agent(9999).send("status\n"))}</pre>
 */
public final class AgentCheck {
  /** HAProxy's default {@code agent-inter}. */
  public static final Duration DEFAULT_INTER = Duration.ofSeconds(2);

  private final int port;
  private final @Nullable InetAddress address;
  private final Duration inter;
  private final @Nullable String send;

  private AgentCheck(
      int port, @Nullable InetAddress address, Duration inter, @Nullable String send) {
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("agent-port must be 1 to 65535: " + port);
    }
    if (inter.isNegative() || inter.isZero()) {
      throw new IllegalArgumentException("agent-inter must be > 0: " + inter);
    }
    this.port = port;
    this.address = address;
    this.inter = inter;
    this.send = send;
  }

  /** An agent on {@code port} of the server's address. */
  static AgentCheck on(int port) {
    return new AgentCheck(port, null, DEFAULT_INTER, null);
  }

  /** This agent, at {@code address} ({@code agent-addr}). */
  public AgentCheck address(InetAddress address) {
    return new AgentCheck(port, requireNonNull(address, "address"), inter, send);
  }

  /** This agent, asked every {@code inter} ({@code agent-inter}). */
  public AgentCheck inter(Duration inter) {
    return new AgentCheck(port, address, requireNonNull(inter, "inter"), send);
  }

  /** This agent, sent {@code text} (one byte per character) once connected ({@code agent-send}). */
  public AgentCheck send(String text) {
    CheckBytes.latin1("agent-send", text);
    return new AgentCheck(port, address, inter, text.isEmpty() ? null : text);
  }

  public int port() {
    return port;
  }

  /** Where the agent listens, {@code null} for the server's address. */
  public @Nullable InetAddress address() {
    return address;
  }

  public Duration inter() {
    return inter;
  }

  /** What is sent to the agent, or {@code null} for nothing. */
  public @Nullable String sent() {
    return send;
  }

  /** The steps of one agent check: the request if any, then {@code reply} reads the line. */
  Check steps(ResponseParser reply) {
    Check check = Check.readyMade("agent-check");
    if (send != null) {
      check = check.send(send);
    }
    return check.expect(CheckExpect.custom(reply));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AgentCheck other
        && port == other.port
        && java.util.Objects.equals(address, other.address)
        && inter.equals(other.inter)
        && java.util.Objects.equals(send, other.send);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(port, address, inter, send);
  }

  @Override
  public String toString() {
    return "agent-check agent-port " + port
        + (address == null ? "" : " agent-addr " + address.getHostAddress())
        + " agent-inter " + inter.toMillis() + "ms"
        + (send == null ? "" : " agent-send '" + send + "'");
  }
}
