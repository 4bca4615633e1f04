package io.steelyard.launcher.keepalived;

import io.steelyard.launcher.ConfigLine;
import io.steelyard.launcher.Diagnostics;

/**
 * keepalived.conf's {@code global_defs} block. {@code vrrp_version 2|3} is the version of the
 * instances that give none. The other keywords that real files carry are accepted, each with a
 * notice saying why it does not apply:
 *
 * <ul>
 *   <li>{@code router_id}, {@code notification_email}, {@code notification_email_from}, {@code
 *       smtp_server}, {@code smtp_connect_timeout}: they name the host in keepalived's e-mail
 *       alerts and set them up; Steelyard sends none, its state changes go to the log;
 *   <li>{@code enable_script_security}, {@code script_user}: Steelyard runs the scripts as the
 *       JVM's user and does not check who may write them, so keepalived's refusal of scripts that
 *       others can write is not there;
 *   <li>{@code vrrp_skip_check_adv_addr}: Steelyard checks the addresses of every advert, as
 *       keepalived does without it (the only difference is a little CPU).
 * </ul>
 *
 * <p>Anything else is an error; {@code vrrp_strict} in particular, whose stricter rules Steelyard
 * does not enforce.
 */
final class GlobalDefs {
  private static final String NO_EMAIL = "it sends no e-mail alerts; state changes go to the log";

  /** The {@code vrrp_version} line, or {@code null}. */
  ConfigLine vrrpVersion;

  /** Reads one statement of the block; an error is thrown, notes go to {@code diagnostics}. */
  void parse(KeepalivedStatement statement, Diagnostics diagnostics) {
    ConfigLine line = statement.line();
    String keyword = line.keyword();
    if (keyword.equals("notification_email")) {
      if (statement.block() == null) {
        throw new IllegalArgumentException("'notification_email' expects a block { ... }");
      }
      diagnostics.ignored(line, "'notification_email'", NO_EMAIL);
      return;
    }
    KeepalivedValues.noBlock(statement, "global_defs");
    switch (keyword) {
      case "vrrp_version":
        VrrpInstanceBlock.version(line);
        if (vrrpVersion != null) {
          throw new IllegalArgumentException(
              "'vrrp_version' already given at line " + vrrpVersion.number());
        }
        vrrpVersion = line;
        break;
      case "router_id":
        line.expect(1, 1, "a name");
        diagnostics.ignored(line, "'router_id'", NO_EMAIL);
        break;
      case "notification_email_from":
      case "smtp_server":
      case "smtp_connect_timeout":
        if (line.arguments() == 0) {
          throw new IllegalArgumentException("'" + keyword + "' expects an argument");
        }
        diagnostics.ignored(line, "'" + keyword + "'", NO_EMAIL);
        break;
      case "enable_script_security":
        line.expect(1, 0, "no argument");
        diagnostics.ignored(line, "'enable_script_security'",
            "it runs scripts as the JVM's user and does not check who can write them");
        break;
      case "script_user":
        KeepalivedValues.scriptUser(line, diagnostics);
        break;
      case "vrrp_skip_check_adv_addr":
        line.expect(1, 0, "no argument");
        diagnostics.ignored(line, "'vrrp_skip_check_adv_addr'",
            "it checks the addresses of every advert");
        break;
      default:
        throw new IllegalArgumentException(
            "unknown keyword '" + keyword + "' in 'global_defs' block");
    }
  }
}
