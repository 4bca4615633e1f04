package io.steelyard.launcher.haproxy;

import io.steelyard.launcher.ConfigLine;
import io.steelyard.launcher.ConfigValues;
import io.steelyard.launcher.Diagnostics;
import io.steelyard.lb.health.Check;
import io.steelyard.lb.health.CheckConnect;
import io.steelyard.lb.health.CheckExpect;
import io.steelyard.lb.health.CheckSend;
import io.steelyard.lb.health.CheckStatus;
import java.util.Set;

/**
 * A section's check lines, with HAProxy 2.6's meaning: what its servers' {@code check} does.
 *
 * <ul>
 *   <li>{@code option redis-check}, {@code mysql-check [user U [post-41|pre-41]]}, {@code
 *       pgsql-check user U}, {@code smtpchk [EHLO|HELO DOMAIN]}, {@code ldap-check}, {@code
 *       ssl-hello-chk} (any section but a frontend): HAProxy's ready-made checks, see {@link
 *       Check}. The last check option of a section wins, over its {@code defaults} section's.
 *   <li>{@code option tcp-check} and the {@code tcp-check} lines of a backend or listen section:
 *       <ul>
 *         <li>{@code tcp-check connect [default] [port N] [addr IP] [send-proxy] [ssl] [sni NAME]
 *             [linger] [comment TEXT]}, {@code default} taking the server's {@code check-ssl},
 *             {@code check-sni} and {@code check-send-proxy} too;
 *         <li>{@code tcp-check send TEXT [comment TEXT]}, {@code tcp-check send-binary HEX
 *             [comment TEXT]};
 *         <li>{@code tcp-check expect [!] string|rstring|binary|rbinary PATTERN} with {@code
 *             min-recv N}, {@code ok-status}, {@code error-status}, {@code tout-status}, {@code
 *             on-success FMT}, {@code on-error FMT}, {@code status-code EXPR} and {@code comment
 *             TEXT}, before or after the pattern; the formats take the part of HAProxy's
 *             log-format that {@link io.steelyard.lb.health.CheckMessage} reads;
 *         <li>{@code tcp-check comment TEXT}.
 *       </ul>
 *       {@code send-lf}, {@code send-binary-lf}, {@code string-lf}, {@code binary-lf}, {@code
 *       set-var} and {@code unset-var} are errors, as are {@code connect}'s {@code via-socks4},
 *       {@code alpn} and {@code proto}. {@code linger} is taken and changes
 *       nothing: Steelyard always closes a check's connection cleanly, where HAProxy resets it
 *       unless told {@code linger}; a clean close is what a server logs nothing about.
 * </ul>
 *
 * <p>As in HAProxy, {@code tcp-check} lines without {@code option tcp-check} in force are
 * ignored, with a warning.
 */
final class CheckLines {
  /** The check options, each of which replaces the others. */
  static final Set<String> OPTIONS =
      Set.of("tcp-check", "redis-check", "mysql-check", "pgsql-check", "smtpchk", "ldap-check",
          "ssl-hello-chk");

  private ConfigLine optionLine;
  private Check option;
  private ConfigLine firstRule;
  private Check rules = Check.tcp();

  /** Reads {@code option NAME ...}, {@code NAME} at word {@code at}. */
  void option(ConfigLine line, int at, Diagnostics diagnostics) {
    String name = line.word(at);
    int arguments = line.words().size() - at - 1;
    switch (name) {
      case "mysql-check":
        option = mysql(line, at, arguments);
        break;
      case "pgsql-check":
        if (arguments != 2 || !line.word(at + 1).equals("user")) {
          throw new IllegalArgumentException(
              "'option pgsql-check' expects 'user <username>' as argument.");
        }
        option = Check.pgsql(line.word(at + 2));
        break;
      case "smtpchk":
        option = smtp(line, at, arguments, diagnostics);
        break;
      default:
        line.expect(at + 1, 0, "no argument");
        option = switch (name) {
          case "tcp-check" -> Check.tcp();
          case "redis-check" -> Check.redis();
          case "ldap-check" -> Check.ldap();
          default -> Check.sslHello();
        };
    }
    if (optionLine != null) {
      diagnostics.warning(
          line,
          "'option " + name + "' replaces 'option " + optionLine.word(at) + "' at line "
              + optionLine.number() + ": a backend has one kind of check");
    }
    optionLine = line;
  }

  private static Check mysql(ConfigLine line, int at, int arguments) {
    if (arguments == 0) {
      return Check.mysql();
    }
    if (!line.word(at + 1).equals("user") || arguments < 2 || arguments > 3) {
      throw new IllegalArgumentException(
          "'option mysql-check' only supports optional values: 'user <username> [post-41|pre-41]'.");
    }
    String user = line.word(at + 2);
    if (arguments == 2 || line.word(at + 3).equals("post-41")) {
      return Check.mysql(user);
    }
    if (line.word(at + 3).equals("pre-41")) {
      return Check.mysql(user, false);
    }
    throw new IllegalArgumentException(
        "'option mysql-check' expects 'post-41' or 'pre-41' after the user but got '"
            + line.word(at + 3) + "'.");
  }

  /**
   * {@code smtpchk [EHLO|HELO DOMAIN]}. HAProxy sends {@code HELO localhost} for any other
   * argument; so does Steelyard, with a warning that says so.
   */
  private static Check smtp(ConfigLine line, int at, int arguments, Diagnostics diagnostics) {
    if (arguments == 0) {
      return Check.smtp();
    }
    String hello = line.word(at + 1);
    if (arguments == 2 && (hello.equals("EHLO") || hello.equals("HELO"))) {
      return Check.smtp(hello, line.word(at + 2));
    }
    diagnostics.warning(
        line,
        "'option smtpchk' takes 'EHLO <domain>' or 'HELO <domain>' only: it sends 'HELO"
            + " localhost', as HAProxy does");
    return Check.smtp();
  }

  /** Reads a {@code tcp-check} line. */
  void rule(ConfigLine line) {
    if (line.arguments() == 0) {
      throw new IllegalArgumentException(
          "'tcp-check' expects 'comment', 'connect', 'send', 'send-binary' or 'expect'.");
    }
    String action = line.word(1);
    String where = "'tcp-check " + action + "' : ";
    try {
      rules = switch (action) {
        case "comment" -> {
          if (line.words().size() != 3) {
            throw new IllegalArgumentException("expects a comment as argument.");
          }
          yield rules.comment(line.word(2));
        }
        case "connect" -> rules.connect(connect(line));
        case "send", "send-binary" -> rules.send(send(line, action));
        case "expect" -> rules.expect(expect(line));
        case "send-lf", "send-binary-lf", "set-var", "unset-var" ->
            throw new IllegalArgumentException(
                "not supported by Steelyard (supported: 'comment', 'connect', 'send',"
                    + " 'send-binary', 'expect').");
        default -> throw new IllegalArgumentException(
            "unknown action (expected 'comment', 'connect', 'send', 'send-binary' or 'expect').");
      };
    } catch (IllegalArgumentException e) {
      String message = e.getMessage();
      throw new IllegalArgumentException(
          message.startsWith("'tcp-check") ? message : where + message, e);
    }
    if (firstRule == null) {
      firstRule = line;
    }
  }

  private static CheckConnect connect(ConfigLine line) {
    CheckConnect connect = CheckConnect.BARE;
    for (int i = 2; i < line.words().size(); i++) {
      String keyword = line.word(i);
      switch (keyword) {
        case "linger" -> { }
        case "default" -> connect = connect.withServerDefaults();
        case "send-proxy" -> connect = connect.proxyHeader();
        case "ssl" -> connect = connect.tls();
        case "port" -> connect = connect.port(ConfigValues.integer("port", value(line, i++)));
        case "addr" -> connect = connect.address(ConfigValues.ipAddress("addr", value(line, i++)));
        case "sni" -> connect = connect.sni(value(line, i++));
        case "comment" -> connect = connect.comment(value(line, i++));
        case "via-socks4", "alpn", "proto" ->
            throw new IllegalArgumentException(
                "'" + keyword + "' is not supported by Steelyard (supported: 'default', 'port',"
                    + " 'addr', 'send-proxy', 'ssl', 'sni', 'linger', 'comment').");
        default -> throw new IllegalArgumentException(
            "expects 'comment', 'port', 'addr', 'send-proxy', 'default', 'ssl', 'sni' or 'linger'"
                + " but got '" + keyword + "' as argument.");
      }
    }
    return connect;
  }

  private static CheckSend send(ConfigLine line, String action) {
    if (line.words().size() < 3) {
      throw new IllegalArgumentException(
          "expects " + (action.equals("send") ? "a string" : "a hexadecimal string")
              + " as argument.");
    }
    CheckSend send =
        action.equals("send") ? CheckSend.string(line.word(2)) : CheckSend.binary(line.word(2));
    for (int i = 3; i < line.words().size(); i++) {
      if (!line.word(i).equals("comment")) {
        throw new IllegalArgumentException(
            "expects 'comment' but got '" + line.word(i) + "' as argument.");
      }
      send = send.comment(value(line, i++));
    }
    return send;
  }

  private static CheckExpect expect(ConfigLine line) {
    String kind = null;
    String pattern = null;
    boolean negated = false;
    Integer minRecv = null;
    String ok = null;
    String error = null;
    String timeout = null;
    String onSuccess = null;
    String onError = null;
    String statusCode = null;
    String comment = null;
    for (int i = 2; i < line.words().size(); i++) {
      String word = line.word(i);
      while (word.startsWith("!")) {
        negated = !negated;
        word = word.substring(1);
      }
      switch (word) {
        case "" -> { }
        case "string", "rstring", "binary", "rbinary" -> {
          if (kind != null) {
            throw new IllegalArgumentException(
                "only one pattern expected but got '" + word + "' as argument.");
          }
          kind = word;
          pattern = value(line, i++);
        }
        case "string-lf", "binary-lf", "custom" -> throw new IllegalArgumentException(
            "'" + word + "' is not supported by Steelyard (supported: 'string', 'rstring',"
                + " 'binary', 'rbinary').");
        case "min-recv" -> minRecv = ConfigValues.integer("min-recv", value(line, i++));
        case "ok-status" -> ok = value(line, i++);
        case "error-status" -> error = value(line, i++);
        case "tout-status" -> timeout = value(line, i++);
        case "on-success" -> onSuccess = value(line, i++);
        case "on-error" -> onError = value(line, i++);
        case "status-code" -> statusCode = value(line, i++);
        case "comment" -> comment = value(line, i++);
        default -> throw new IllegalArgumentException(
            "expects 'min-recv', 'ok-status', 'error-status', 'tout-status', 'on-success',"
                + " 'on-error', 'status-code', 'comment', '!' or a match type ('string',"
                + " 'rstring', 'binary', 'rbinary') but got '" + word + "' as argument.");
      }
    }
    if (kind == null) {
      throw new IllegalArgumentException("expects a pattern type ('string', 'rstring', 'binary',"
          + " 'rbinary') and a pattern.");
    }
    CheckExpect expect = switch (kind) {
      case "string" -> CheckExpect.string(pattern);
      case "rstring" -> CheckExpect.rstring(pattern);
      case "binary" -> CheckExpect.binary(pattern);
      default -> CheckExpect.rbinary(pattern);
    };
    if (negated) {
      expect = expect.negated();
    }
    if (minRecv != null) {
      expect = expect.minRecv(minRecv);
    }
    if (ok != null) {
      expect = expect.okStatus(CheckStatus.of("ok-status", ok, CheckExpect.OK_STATUSES));
    }
    if (error != null) {
      expect = expect.errorStatus(
          CheckStatus.of("error-status", error, CheckExpect.ERROR_STATUSES));
    }
    if (timeout != null) {
      expect = expect.timeoutStatus(
          CheckStatus.of("tout-status", timeout, CheckExpect.TIMEOUT_STATUSES));
    }
    if (onSuccess != null) {
      expect = expect.onSuccess(onSuccess);
    }
    if (onError != null) {
      expect = expect.onError(onError);
    }
    if (statusCode != null) {
      expect = expect.statusCode(statusCode);
    }
    return comment == null ? expect : expect.comment(comment);
  }

  /** The word after {@code at}, which {@code line.word(at)} needs. */
  private static String value(ConfigLine line, int at) {
    if (at + 1 >= line.words().size()) {
      throw new IllegalArgumentException("'" + line.word(at) + "' expects an argument.");
    }
    return line.word(at + 1);
  }

  /** The line of the check option in force here or in {@code defaults}, or {@code null}. */
  ConfigLine optionLine(CheckLines defaults) {
    return optionLine != null ? optionLine : defaults == null ? null : defaults.optionLine;
  }

  /**
   * What the section's checks do, given its {@code defaults} section's lines: the option in
   * force, with this section's {@code tcp-check} lines when it is {@code tcp-check}; {@code null}
   * when no option is in force.
   */
  Check check(CheckLines defaults) {
    Check inForce = optionLine != null ? option : defaults == null ? null : defaults.option;
    if (inForce != null && inForce.name().equals("tcp-check")) {
      return rules;
    }
    return inForce;
  }

  /**
   * The first {@code tcp-check} line when {@code tcp-check} is not the option in force, which
   * HAProxy ignores with a warning; {@code null} otherwise.
   */
  ConfigLine ignoredRules(CheckLines defaults) {
    Check inForce = check(defaults);
    return firstRule != null && (inForce == null || !inForce.name().equals("tcp-check"))
        ? firstRule
        : null;
  }
}
