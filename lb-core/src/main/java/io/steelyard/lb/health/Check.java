package io.steelyard.lb.health;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a health check does on its connection: HAProxy's {@code tcp-check} rules, a list of {@link
 * CheckConnect}, {@link CheckSend} and {@link CheckExpect} steps run in order, the check passing
 * when every step passes. {@link #connect()}, the default, only opens a connection; {@link
 * #tcp()} starts a rule set of one's own; {@link #redis()}, {@link #mysql()}, {@link
 * #pgsql(String)}, {@link #smtp()}, {@link #ldap()} and {@link #sslHello()} are HAProxy's
 * ready-made checks, step for step and byte for byte:
 *
 * <pre>{@code
 * b.check(Check.tcp()
 *     .send("PING\r\n")
 *     .expect(CheckExpect.string("+PONG").onError("%[res.payload(0,0),cut_crlf]")))
 * }</pre>
 *
 * <p>A check that does not start with a connection step opens one to the server first (HAProxy's
 * step 0); a connection step anywhere else must then be the first. Steps are numbered as HAProxy
 * numbers {@code tcp-check} lines, a {@link #comment} line taking a number too; the comment goes
 * to the steps after it while they are of the same kind. Only a rule set of one's own, {@link
 * #tcp()}, says the failing step in its messages. Instances are immutable: each step returns a
 * new check.
 */
public final class Check {
  /** A step and its number. */
  record Step(CheckRule rule, int number) {}

  private static final Step IMPLICIT_CONNECT = new Step(CheckConnect.SERVER, 0);

  private final String name;
  private final boolean numbered;
  private final List<Step> steps;
  private final int nextNumber;
  private final @Nullable String comment;
  private final @Nullable Class<?> commented;

  private Check(
      String name,
      boolean numbered,
      List<Step> steps,
      int nextNumber,
      @Nullable String comment,
      @Nullable Class<?> commented) {
    this.name = name;
    this.numbered = numbered;
    this.steps = steps;
    this.nextNumber = nextNumber;
    this.comment = comment;
    this.commented = commented;
  }

  /** Only a TCP connection to the server: HAProxy's check without a check option. */
  public static Check connect() {
    return new Check("connect", false, List.of(), 1, null, null);
  }

  /** A rule set of one's own, HAProxy's {@code option tcp-check}: a connection until steps follow. */
  public static Check tcp() {
    return new Check("tcp-check", true, List.of(), 1, null, null);
  }

  /** Redis: {@code PING}, expecting {@code +PONG} ({@code option redis-check}). */
  public static Check redis() {
    return ReadyMadeChecks.redis();
  }

  /** MySQL or MariaDB: reads the server's greeting ({@code option mysql-check}). */
  public static Check mysql() {
    return ReadyMadeChecks.mysql(null, true);
  }

  /**
   * MySQL or MariaDB: logs in as {@code user} without a password, with the protocol of 4.1 and
   * later, and quits, so that the server logs no aborted connection ({@code option mysql-check
   * user U}). The user needs no privilege, only to exist for the balancer's address.
   */
  public static Check mysql(String user) {
    return ReadyMadeChecks.mysql(requireNonNull(user, "user"), true);
  }

  /** As {@link #mysql(String)}, with the protocol before 4.1 when {@code post41} is false. */
  public static Check mysql(String user, boolean post41) {
    return ReadyMadeChecks.mysql(requireNonNull(user, "user"), post41);
  }

  /**
   * PostgreSQL: starts a session as {@code user} and passes when the server asks for any
   * authentication (or needs none), without authenticating ({@code option pgsql-check user U}).
   */
  public static Check pgsql(String user) {
    return ReadyMadeChecks.pgsql(requireNonNull(user, "user"));
  }

  /** SMTP: a 2xx greeting, {@code HELO localhost}, {@code QUIT} ({@code option smtpchk}). */
  public static Check smtp() {
    return ReadyMadeChecks.smtp("HELO localhost");
  }

  /** SMTP with {@code hello} ({@code HELO} or {@code EHLO}) and {@code domain}. */
  public static Check smtp(String hello, String domain) {
    if (!hello.equals("HELO") && !hello.equals("EHLO")) {
      throw new IllegalArgumentException("smtpchk expects 'HELO' or 'EHLO' but got '" + hello + "'");
    }
    if (domain.isEmpty() || domain.chars().anyMatch(c -> c <= ' ' || c > '~')) {
      throw new IllegalArgumentException("smtpchk expects a domain but got '" + domain + "'");
    }
    return ReadyMadeChecks.smtp(hello + " " + domain);
  }

  /** LDAPv3: an anonymous bind, expecting result 0 ({@code option ldap-check}). */
  public static Check ldap() {
    return ReadyMadeChecks.ldap();
  }

  /**
   * TLS: an SSLv3 client hello, passing with {@code L6OK} when the server answers with a hello or
   * an alert ({@code option ssl-hello-chk}).
   */
  public static Check sslHello() {
    return ReadyMadeChecks.sslHello();
  }

  /** An agent check on {@code port} of the server ({@code agent-check agent-port N}). */
  public static AgentCheck agent(int port) {
    return AgentCheck.on(port);
  }

  /** A ready-made check, {@code name} as HAProxy's option, steps numbered as its. */
  static Check readyMade(String name) {
    return new Check(name, false, List.of(), 1, null, null);
  }

  /** This check and then {@code connect}, which must be its first step. */
  public Check connect(CheckConnect connect) {
    if (!steps.isEmpty() && !(steps.get(0).rule() instanceof CheckConnect)) {
      throw new IllegalArgumentException(
          "first step MUST also be a 'connect', optionally preceded by a 'comment', when there is"
              + " a 'connect' step in the tcp-check ruleset");
    }
    return then(requireNonNull(connect, "connect"));
  }

  /** This check and then a step that sends {@code text}, one byte per character. */
  public Check send(String text) {
    return then(CheckSend.string(text));
  }

  /** This check and then a step that sends the bytes {@code hex} spells. */
  public Check sendBinary(String hex) {
    return then(CheckSend.binary(hex));
  }

  /** This check and then {@code send}. */
  public Check send(CheckSend send) {
    return then(requireNonNull(send, "send"));
  }

  /** This check and then {@code expect}. */
  public Check expect(CheckExpect expect) {
    return then(requireNonNull(expect, "expect"));
  }

  /**
   * This check, with {@code comment} on the steps that follow while they are of one kind, unless
   * they carry their own; the comment takes a step number, as HAProxy's {@code tcp-check comment}.
   */
  public Check comment(String comment) {
    return new Check(name, numbered, steps, nextNumber + 1, requireNonNull(comment), null);
  }

  private Check then(CheckRule rule) {
    String inherited = null;
    Class<?> kind = null;
    if (comment != null && (commented == null || commented == rule.getClass())) {
      inherited = comment;
      kind = rule.getClass();
    }
    if (rule.comment() == null && inherited != null) {
      rule = withComment(rule, inherited);
    }
    List<Step> longer = new ArrayList<>(steps);
    longer.add(new Step(rule, nextNumber));
    return new Check(name, numbered, List.copyOf(longer), nextNumber + 1, inherited, kind);
  }

  private static CheckRule withComment(CheckRule rule, String comment) {
    if (rule instanceof CheckConnect connect) {
      return connect.comment(comment);
    }
    if (rule instanceof CheckSend send) {
      return send.comment(comment);
    }
    return ((CheckExpect) rule).comment(comment);
  }

  /** HAProxy's name of the check, such as {@code redis-check}; {@code connect} for the default. */
  public String name() {
    return name;
  }

  /** The steps as given, without the connection opened before them when they do not start with one. */
  public List<CheckRule> rules() {
    return steps.stream().map(Step::rule).toList();
  }

  /** The steps to run, the connection opened first included, each with its number. */
  List<Step> steps() {
    if (!steps.isEmpty() && steps.get(0).rule() instanceof CheckConnect) {
      return steps;
    }
    List<Step> all = new ArrayList<>(steps.size() + 1);
    all.add(IMPLICIT_CONNECT);
    all.addAll(steps);
    return all;
  }

  /** Whether messages say the step that failed: only for a rule set of one's own. */
  boolean numbered() {
    return numbered;
  }

  /** Equal checks run the same steps, numbered alike, and word their outcomes alike. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Check other
        && name.equals(other.name)
        && numbered == other.numbered
        && steps.equals(other.steps);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + steps.hashCode();
  }

  @Override
  public String toString() {
    return name + rules();
  }
}
