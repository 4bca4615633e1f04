package io.steelyard.tproxy;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The host rules that make transparent proxying work, as in the seed setup:
 *
 * <pre>
 * iptables -t mangle -N DIVERT
 * iptables -t mangle -A PREROUTING -p tcp -m socket -j DIVERT
 * iptables -t mangle -A DIVERT -j MARK --set-mark 1
 * iptables -t mangle -A DIVERT -j ACCEPT
 * ip rule add fwmark 1 lookup 100
 * ip route add local 0.0.0.0/0 dev lo table 100
 * </pre>
 *
 * Packets of connections that belong to a local socket (the backends' replies to a client address
 * the balancer borrowed) are marked and routed to the local host, so that the balancer's
 * transparent sockets receive them. {@link #apply()} adds what is missing and nothing twice,
 * {@link #missing()} says what is not in place, {@link #remove()} takes away what it added, and
 * {@link #commands()} prints the commands for operators who manage their firewall themselves.
 * With {@link Builder#ipv6()}, the same rules for IPv6 ({@code ip6tables}, {@code ip -6}) come too.
 *
 * <p>It uses iptables where the host has it, else nftables (an {@code inet steelyard} table whose
 * rule marks TCP packets of transparent sockets); with neither, it fails saying so.
 */
public final class RoutingRules {
  private static final String TABLE = "steelyard";

  private final int mark;
  private final int table;
  private final boolean ipv6;
  private final List<String> prefix;
  private final Firewall firewall;

  /** Which program manages the packet filter. */
  public enum Firewall {
    IPTABLES,
    NFTABLES
  }

  private RoutingRules(Builder builder) {
    this.mark = builder.mark;
    this.table = builder.table;
    this.ipv6 = builder.ipv6;
    this.prefix = List.copyOf(builder.prefix);
    this.firewall = builder.firewall != null ? builder.firewall : detect(prefix);
  }

  /** The seed's rules: mark 1, routing table 100, IPv4. */
  public static Builder builder() {
    return new Builder();
  }

  public Firewall firewall() {
    return firewall;
  }

  /** The commands that {@link #apply()} runs on a host that has none of the rules. */
  public List<String> commands() {
    List<String> lines = new ArrayList<>();
    for (Rule rule : rules()) {
      lines.add(String.join(" ", rule.add));
    }
    return lines;
  }

  /** Adds the rules that are missing; running it again changes nothing. */
  public void apply() {
    for (Rule rule : rules()) {
      if (!present(rule)) {
        run(rule.add, true);
      }
    }
  }

  /** The rules that are not in place, as the commands that would add them; empty when all are. */
  public List<String> missing() {
    List<String> missing = new ArrayList<>();
    for (Rule rule : rules()) {
      if (!present(rule)) {
        missing.add(String.join(" ", rule.add));
      }
    }
    return missing;
  }

  /** Removes the rules, last first; those already gone are skipped. */
  public void remove() {
    List<Rule> rules = rules();
    for (int i = rules.size() - 1; i >= 0; i--) {
      Rule rule = rules.get(i);
      if (present(rule)) {
        run(rule.remove, true);
      }
    }
  }

  /** One rule: how to add it, check it and remove it. */
  private record Rule(
      List<String> add, List<String> check, List<String> remove, @Nullable String expect) {}

  private List<Rule> rules() {
    List<Rule> rules = new ArrayList<>();
    if (firewall == Firewall.IPTABLES) {
      rules.addAll(iptables("iptables"));
      if (ipv6) {
        rules.addAll(iptables("ip6tables"));
      }
    } else {
      rules.addAll(nftables());
    }
    rules.addAll(routing("-4", "0.0.0.0/0"));
    if (ipv6) {
      rules.addAll(routing("-6", "::/0"));
    }
    return rules;
  }

  private List<Rule> iptables(String tool) {
    String m = Integer.toString(mark);
    return List.of(
        new Rule(
            List.of(tool, "-t", "mangle", "-N", "DIVERT"),
            List.of(tool, "-t", "mangle", "-n", "-L", "DIVERT"),
            List.of(tool, "-t", "mangle", "-X", "DIVERT"),
            null),
        iptablesRule(tool, "PREROUTING", "-p", "tcp", "-m", "socket", "-j", "DIVERT"),
        iptablesRule(tool, "DIVERT", "-j", "MARK", "--set-mark", m),
        iptablesRule(tool, "DIVERT", "-j", "ACCEPT"));
  }

  private static Rule iptablesRule(String tool, String chain, String... spec) {
    List<String> add = new ArrayList<>(List.of(tool, "-t", "mangle", "-A", chain));
    List<String> check = new ArrayList<>(List.of(tool, "-t", "mangle", "-C", chain));
    List<String> remove = new ArrayList<>(List.of(tool, "-t", "mangle", "-D", chain));
    add.addAll(List.of(spec));
    check.addAll(List.of(spec));
    remove.addAll(List.of(spec));
    return new Rule(add, check, remove, null);
  }

  private List<Rule> nftables() {
    String chain = "{ type filter hook prerouting priority mangle; }";
    List<String> rule =
        List.of("nft", "add", "rule", "inet", TABLE, "divert", "meta", "l4proto", "tcp", "socket",
            "transparent", "1", "meta", "mark", "set", Integer.toString(mark), "accept");
    return List.of(
        new Rule(
            List.of("nft", "add", "table", "inet", TABLE),
            List.of("nft", "list", "table", "inet", TABLE),
            List.of("nft", "delete", "table", "inet", TABLE),
            null),
        new Rule(
            List.of("nft", "add", "chain", "inet", TABLE, "divert", chain),
            List.of("nft", "list", "chain", "inet", TABLE, "divert"),
            List.of("nft", "delete", "chain", "inet", TABLE, "divert"),
            null),
        new Rule(
            rule,
            List.of("nft", "list", "chain", "inet", TABLE, "divert"),
            List.of("nft", "flush", "chain", "inet", TABLE, "divert"),
            "socket transparent 1"));
  }

  private List<Rule> routing(String family, String everything) {
    String m = Integer.toString(mark);
    String t = Integer.toString(table);
    return List.of(
        new Rule(
            List.of("ip", family, "rule", "add", "fwmark", m, "lookup", t),
            List.of("ip", family, "rule", "list", "fwmark", m, "lookup", t),
            List.of("ip", family, "rule", "del", "fwmark", m, "lookup", t),
            "lookup " + t),
        new Rule(
            List.of("ip", family, "route", "add", "local", everything, "dev", "lo", "table", t),
            List.of("ip", family, "route", "show", "table", t),
            List.of("ip", family, "route", "del", "local", everything, "dev", "lo", "table", t),
            "local default dev lo"));
  }

  /** Whether a rule is in place: its check succeeds and, if given, prints what it must. */
  private boolean present(Rule rule) {
    Result result = run(rule.check, false);
    return result.status == 0 && (rule.expect == null || result.output.contains(rule.expect));
  }

  private record Result(int status, String output) {}

  private Result run(List<String> command, boolean mustSucceed) {
    List<String> line = new ArrayList<>(prefix);
    line.addAll(command);
    try {
      Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("timed out after 30 s: " + String.join(" ", line));
      }
      if (mustSucceed && process.exitValue() != 0) {
        throw new IllegalStateException(
            "'" + String.join(" ", line) + "' failed with exit code " + process.exitValue() + ": "
                + output.strip());
      }
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run '" + String.join(" ", line) + "'", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running '" + String.join(" ", line) + "'", e);
    }
  }

  private static Firewall detect(List<String> prefix) {
    if (onPath("iptables")) {
      return Firewall.IPTABLES;
    }
    if (onPath("nft")) {
      return Firewall.NFTABLES;
    }
    throw new IllegalStateException(
        "neither iptables nor nft is installed: install one of them (Debian: apt-get install "
            + "iptables), or set the TPROXY rules up yourself (RoutingRules.commands() prints them)"
            + (prefix.isEmpty() ? "" : "; commands run through " + prefix));
  }

  private static boolean onPath(String tool) {
    String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin:/sbin";
    for (String dir : path.split(File.pathSeparator)) {
      if (new File(dir, tool).canExecute()) {
        return true;
      }
    }
    return false;
  }

  /** The settings of the rules. */
  public static final class Builder {
    private int mark = 1;
    private int table = 100;
    private boolean ipv6;
    private List<String> prefix = List.of();
    private @Nullable Firewall firewall;

    private Builder() {}

    /** The firewall mark of diverted packets, 1 to 2^31-1; 1 by default. */
    public Builder mark(int mark) {
      if (mark < 1) {
        throw new IllegalArgumentException("mark must be >= 1: " + mark);
      }
      this.mark = mark;
      return this;
    }

    /** The routing table that sends marked packets to the local host, 1 to 252; 100 by default. */
    public Builder table(int table) {
      if (table < 1 || table > 252) {
        throw new IllegalArgumentException("routing table must be 1 to 252: " + table);
      }
      this.table = table;
      return this;
    }

    /** Sets up IPv6 too. */
    public Builder ipv6() {
      this.ipv6 = true;
      return this;
    }

    /** Uses this firewall instead of the one found on the host. */
    public Builder firewall(Firewall firewall) {
      this.firewall = requireNonNull(firewall, "firewall");
      return this;
    }

    /**
     * Runs every command through a prefix, such as {@code ip netns exec NAME} for a network
     * namespace or {@code sudo}.
     */
    public Builder runVia(String... prefix) {
      this.prefix = List.of(prefix);
      return this;
    }

    public RoutingRules build() {
      return new RoutingRules(this);
    }
  }
}
