package io.steelyard.lb.health;

import org.jspecify.annotations.Nullable;

/**
 * One line of an agent's answer, read as HAProxy 2.6 reads it: words separated by spaces, tabs or
 * commas, in any case, the last of a kind winning; a message after {@code #}.
 *
 * @param health {@code up}, {@code down}, {@code stopped} or {@code fail} as written, or {@code
 *     null}
 * @param admin {@link AdminState#READY}, {@link AdminState#DRAIN} or {@link AdminState#MAINT}, or
 *     {@code null}
 * @param weightWord a weight such as {@code 75%}, or {@code null}
 * @param maxConnWord the argument of {@code maxconn:}, or {@code null}
 * @param unknown the first word of none of these kinds, or {@code null}
 * @param message the text after {@code #}, its leading blanks dropped; empty when there is none
 */
public record AgentReply(
    @Nullable String health,
    @Nullable AdminState admin,
    @Nullable String weightWord,
    @Nullable String maxConnWord,
    @Nullable String unknown,
    String message) {

  /** Reads {@code line}, without its line end. */
  public static AgentReply parse(String line) {
    String health = null;
    AdminState admin = null;
    String weight = null;
    String maxConn = null;
    String unknown = null;
    String message = "";
    int i = 0;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (c == ' ' || c == '\t' || c == ',') {
        i++;
        continue;
      }
      if (c == '#') {
        i++;
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
          i++;
        }
        message = line.substring(i);
        break;
      }
      int end = i + 1;
      while (end < line.length() && " \t,".indexOf(line.charAt(end)) < 0) {
        end++;
      }
      String word = line.substring(i, end);
      switch (word.toLowerCase(java.util.Locale.ROOT)) {
        case "up", "down", "stopped", "fail" -> health = word;
        case "ready" -> admin = AdminState.READY;
        case "drain" -> admin = AdminState.DRAIN;
        case "maint" -> admin = AdminState.MAINT;
        default -> {
          if (Character.isDigit(word.charAt(0)) && word.indexOf('%') >= 0) {
            weight = word;
          } else if (word.regionMatches(true, 0, "maxconn:", 0, 8)) {
            maxConn = word.substring(8);
          } else if (unknown == null) {
            unknown = word;
          }
        }
      }
      i = end;
    }
    return new AgentReply(health, admin, weight, maxConn, unknown, message);
  }

  /** Whether it says the server is down ({@code down}, {@code stopped} or {@code fail}). */
  public boolean down() {
    return health != null && !health.equalsIgnoreCase("up");
  }

  /**
   * The weight it asks for, from the configured {@code initialWeight}: {@code N%} of it, at most
   * 256; {@code null} when it asks for none or for one that cannot be read ({@link #weightWarning}).
   */
  public @Nullable Integer weight(int initialWeight) {
    if (weightWord == null || weightWarning() != null) {
      return null;
    }
    long percent = Long.parseLong(weightWord.substring(0, weightWord.indexOf('%')));
    return (int) Math.min(256, initialWeight * percent / 100);
  }

  /** HAProxy's words about a weight it cannot read, or {@code null}. */
  public @Nullable String weightWarning() {
    if (weightWord == null) {
      return null;
    }
    String digits = weightWord.substring(0, weightWord.indexOf('%'));
    if (!digits.chars().allMatch(Character::isDigit) || digits.length() > 9) {
      return "Empty weight string empty or preceded by garbage";
    }
    if (weightWord.indexOf('%') != weightWord.length() - 1) {
      return "Trailing garbage in weight string";
    }
    return null;
  }

  /** The maxconn it asks for, 0 for no limit; {@code null} when none or one that cannot be read. */
  public @Nullable Integer maxConn() {
    return maxConnWord == null || maxConnWarning() != null ? null : Integer.valueOf(maxConnWord);
  }

  /** HAProxy's words about a {@code maxconn:} it cannot read, or {@code null}. */
  public @Nullable String maxConnWarning() {
    if (maxConnWord == null) {
      return null;
    }
    if (maxConnWord.isEmpty() || !Character.isDigit(maxConnWord.charAt(0))) {
      return "maxconn string empty or preceded by garbage";
    }
    if (!maxConnWord.chars().allMatch(Character::isDigit) || maxConnWord.length() > 9) {
      return "Trailing garbage in maxconn string";
    }
    return null;
  }

  /**
   * The outcome HAProxy reports for it: {@code L7OK} for {@code up}, {@code L7STS} for the words
   * of a server down, {@link CheckStatus#CHECKED} (nothing changes) without one; and its words,
   * {@code via agent : down (maintenance window)}, {@code agent reports an error : WORD} or {@code
   * agent warns : WARNING}.
   */
  public CheckOutcome outcome() {
    String warning = weightWarning() != null ? weightWarning() : maxConnWarning();
    if (health != null) {
      String said = message;
      if (said.isEmpty() || !down()) {
        if (unknown != null) {
          said = unknown;
        } else if (warning != null) {
          said = warning;
        }
      }
      return CheckOutcome.of(down() ? CheckStatus.L7STS : CheckStatus.L7OK,
          "via agent : " + health + (said.isEmpty() ? "" : " (" + said + ")"));
    }
    if (unknown != null) {
      return CheckOutcome.of(CheckStatus.CHECKED, "agent reports an error : " + unknown);
    }
    if (warning != null) {
      return CheckOutcome.of(CheckStatus.CHECKED, "agent warns : " + warning);
    }
    return CheckOutcome.of(CheckStatus.CHECKED, "");
  }
}
