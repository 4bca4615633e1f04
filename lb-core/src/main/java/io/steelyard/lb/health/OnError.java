package io.steelyard.lb.health;

/**
 * What {@code observe layer4} does once a server's live traffic has failed {@code error-limit}
 * times in a row (HAProxy's {@code on-error}). Every choice also brings the next check forward
 * to {@code fastinter}.
 */
public enum OnError {
  /** Only check sooner. HAProxy's default. */
  FASTINTER("fastinter"),
  /** Count as one failed check. */
  FAIL_CHECK("fail-check"),
  /** Count as the failed check before the last one: one more failure marks the server down. */
  SUDDEN_DEATH("sudden-death"),
  /** Mark the server down at once. */
  MARK_DOWN("mark-down");

  private final String keyword;

  OnError(String keyword) {
    this.keyword = keyword;
  }

  /** The keyword HAProxy uses, such as {@code sudden-death}. */
  public String keyword() {
    return keyword;
  }

  /** The choice HAProxy calls {@code keyword}, or an exception naming it. */
  public static OnError of(String keyword) {
    for (OnError value : values()) {
      if (value.keyword.equals(keyword)) {
        return value;
      }
    }
    throw new IllegalArgumentException(
        "unknown on-error '" + keyword + "' (expected fastinter, fail-check, sudden-death or mark-down)");
  }
}
