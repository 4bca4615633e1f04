package io.steelyard.lb.health;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * Waits for the server's answer and judges it, HAProxy's {@code tcp-check expect}: {@link
 * #string} and {@link #binary} look for their bytes anywhere in what the server sent since the
 * last send, {@link #rstring} and {@link #rbinary} for a match of a regular expression (on the
 * hex digits of the bytes for {@code rbinary}).
 *
 * <p>A check that has not matched yet waits for more bytes until the server closes, the check's
 * buffer (16 KiB) is full or the check times out; with {@link #minRecv} it judges once that many
 * bytes have come. {@link #negated} turns the judgement round: the answer must not match.
 *
 * <p>A match ends the step with {@link #okStatus} (the check passes with it when this is its last
 * step), anything else ends the check with {@link #errorStatus}, and a timeout with {@link
 * #timeoutStatus}; {@link #onSuccess} and {@link #onError} replace the description of the
 * outcome that the stats and the log show. Instances are immutable: each setter returns a copy.
 */
public final class CheckExpect implements CheckRule {
  /** How the pattern is read. */
  public enum Kind {
    /** A text, one byte per character, found anywhere. */
    STRING("string"),
    /** Bytes given in hex, found anywhere. */
    BINARY("binary"),
    /** A regular expression, found anywhere in the text. */
    RSTRING("rstring"),
    /** A regular expression, found anywhere in the hex digits (upper case) of the bytes. */
    RBINARY("rbinary"),
    /** A protocol's own parser, for the ready-made checks. */
    CUSTOM("custom");

    private final String keyword;

    Kind(String keyword) {
      this.keyword = keyword;
    }

    /** HAProxy's keyword, such as {@code rstring}. */
    public String keyword() {
      return keyword;
    }
  }

  /** What {@code ok-status} takes. */
  public static final Set<CheckStatus> OK_STATUSES =
      Collections.unmodifiableSet(EnumSet.of(CheckStatus.L7OK, CheckStatus.L6OK, CheckStatus.L4OK));

  /** What {@code error-status} takes. */
  public static final Set<CheckStatus> ERROR_STATUSES =
      Collections.unmodifiableSet(
          EnumSet.of(CheckStatus.L7RSP, CheckStatus.L7STS, CheckStatus.L6RSP, CheckStatus.L4CON));

  /** What {@code tout-status} takes. */
  public static final Set<CheckStatus> TIMEOUT_STATUSES =
      Collections.unmodifiableSet(
          EnumSet.of(CheckStatus.L7TOUT, CheckStatus.L6TOUT, CheckStatus.L4TOUT));

  private final Kind kind;
  private final @Nullable String pattern;
  private final byte @Nullable [] bytes;
  private final @Nullable Pattern regex;
  private final @Nullable ResponseParser parser;
  private final boolean negated;
  private final int minRecv;
  private final CheckStatus okStatus;
  private final CheckStatus errorStatus;
  private final CheckStatus timeoutStatus;
  private final @Nullable CheckMessage onSuccess;
  private final @Nullable CheckMessage onError;
  private final @Nullable CheckMessage statusCode;
  private final @Nullable String comment;

  private CheckExpect(
      Kind kind,
      @Nullable String pattern,
      byte @Nullable [] bytes,
      @Nullable Pattern regex,
      @Nullable ResponseParser parser,
      boolean negated,
      int minRecv,
      CheckStatus okStatus,
      CheckStatus errorStatus,
      CheckStatus timeoutStatus,
      @Nullable CheckMessage onSuccess,
      @Nullable CheckMessage onError,
      @Nullable CheckMessage statusCode,
      @Nullable String comment) {
    this.kind = kind;
    this.pattern = pattern;
    this.bytes = bytes;
    this.regex = regex;
    this.parser = parser;
    this.negated = negated;
    this.minRecv = minRecv;
    this.okStatus = okStatus;
    this.errorStatus = errorStatus;
    this.timeoutStatus = timeoutStatus;
    this.onSuccess = onSuccess;
    this.onError = onError;
    this.statusCode = statusCode;
    this.comment = comment;
  }

  private static CheckExpect of(
      Kind kind, String pattern, byte @Nullable [] bytes, @Nullable Pattern regex) {
    return new CheckExpect(kind, pattern, bytes, regex, null, false, -1,
        CheckStatus.L7OK, CheckStatus.L7RSP, CheckStatus.L7TOUT, null, null, null, null);
  }

  /** Expects {@code text} (one byte per character) anywhere in the answer. */
  public static CheckExpect string(String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("expect string needs a non-empty pattern");
    }
    return of(Kind.STRING, text, CheckBytes.latin1("expect string", text), null);
  }

  /** Expects the bytes that {@code hex} spells anywhere in the answer. */
  public static CheckExpect binary(String hex) {
    return of(Kind.BINARY, hex, CheckBytes.hex("expect binary", hex), null);
  }

  /** Expects a match of {@code regex} in the answer read as text. */
  public static CheckExpect rstring(String regex) {
    return of(Kind.RSTRING, regex, null, compile("rstring", regex));
  }

  /** Expects a match of {@code regex} in the answer's hex digits, upper case, two a byte. */
  public static CheckExpect rbinary(String regex) {
    return of(Kind.RBINARY, regex, null, compile("rbinary", regex));
  }

  /** A ready-made check's step: {@code parser} judges the answer and words the outcome. */
  static CheckExpect custom(ResponseParser parser) {
    return new CheckExpect(Kind.CUSTOM, null, null, null, parser, false, -1,
        CheckStatus.L7OK, CheckStatus.L7RSP, CheckStatus.L7TOUT, null, null, null, null);
  }

  private static Pattern compile(String what, String regex) {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          "expect " + what + " '" + regex + "' is not a regular expression: " + e.getDescription(),
          e);
    }
  }

  /** This step, passing when the answer does not match (HAProxy's {@code !}). */
  public CheckExpect negated() {
    notCustom("!");
    return new CheckExpect(kind, pattern, bytes, regex, parser, true, minRecv, okStatus,
        errorStatus, timeoutStatus, onSuccess, onError, statusCode, comment);
  }

  /**
   * This step, judging once {@code bytes} have come (or the server closed) rather than waiting
   * for a match; 0 judges whatever came first.
   */
  public CheckExpect minRecv(int bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("expect min-recv must be >= 0: " + bytes);
    }
    return new CheckExpect(kind, pattern, this.bytes, regex, parser, negated, bytes, okStatus,
        errorStatus, timeoutStatus, onSuccess, onError, statusCode, comment);
  }

  /** This step, passing with {@code status}: {@link CheckStatus#L7OK} by default. */
  public CheckExpect okStatus(CheckStatus status) {
    allowed("ok-status", status, OK_STATUSES);
    return new CheckExpect(kind, pattern, bytes, regex, parser, negated, minRecv, status,
        errorStatus, timeoutStatus, onSuccess, onError, statusCode, comment);
  }

  /** This step, failing with {@code status}: {@link CheckStatus#L7RSP} by default. */
  public CheckExpect errorStatus(CheckStatus status) {
    return new CheckExpect(kind, pattern, bytes, regex, parser, negated, minRecv, okStatus,
        allowed("error-status", status, ERROR_STATUSES), timeoutStatus, onSuccess, onError, statusCode, comment);
  }

  /** This step, timing out with {@code status}: {@link CheckStatus#L7TOUT} by default. */
  public CheckExpect timeoutStatus(CheckStatus status) {
    return new CheckExpect(kind, pattern, bytes, regex, parser, negated, minRecv, okStatus,
        errorStatus, allowed("tout-status", status, TIMEOUT_STATUSES), onSuccess, onError, statusCode, comment);
  }

  /**
   * This step, giving the outcome's code from {@code expression}, {@code res.payload(O,L)} read as
   * a number or {@code int(N)} (see {@link CheckMessage}): 0 by default.
   */
  public CheckExpect statusCode(String expression) {
    notCustom("status-code");
    return new CheckExpect(kind, pattern, bytes, regex, parser, negated, minRecv, okStatus,
        errorStatus, timeoutStatus, onSuccess, onError, CheckMessage.statusCode(expression),
        comment);
  }

  /**
   * This step, saying {@code message} when it passes the check, in the subset of HAProxy's
   * log-format that {@link CheckMessage} reads.
   */
  public CheckExpect onSuccess(String message) {
    return new CheckExpect(kind, pattern, bytes, regex, parser, negated, minRecv, okStatus,
        errorStatus, timeoutStatus, CheckMessage.of("on-success", message), onError, statusCode,
        comment);
  }

  /** This step, saying {@code message} when it fails the check (see {@link CheckMessage}). */
  public CheckExpect onError(String message) {
    return new CheckExpect(kind, pattern, bytes, regex, parser, negated, minRecv, okStatus,
        errorStatus, timeoutStatus, onSuccess, CheckMessage.of("on-error", message), statusCode,
        comment);
  }

  /** This step, quoting {@code comment} when it fails. */
  public CheckExpect comment(String comment) {
    return new CheckExpect(kind, pattern, bytes, regex, parser, negated, minRecv, okStatus,
        errorStatus, timeoutStatus, onSuccess, onError, statusCode, comment);
  }

  private static CheckStatus allowed(String what, CheckStatus status, Set<CheckStatus> allowed) {
    if (!allowed.contains(requireNonNull(status, "status"))) {
      throw new IllegalArgumentException(
          "expect " + what + " must be one of " + allowed + ": " + status);
    }
    return status;
  }

  private void notCustom(String what) {
    if (kind == Kind.CUSTOM) {
      throw new IllegalArgumentException("a ready-made check's expect takes no " + what);
    }
  }

  public Kind kind() {
    return kind;
  }

  /**
   * The pattern as written: the text, the hex digits or the regular expression; {@code null} for a
   * ready-made check's parser.
   */
  public @Nullable String pattern() {
    return pattern;
  }

  /** The bytes a string or binary pattern looks for; a copy. */
  byte[] patternBytes() {
    return requireNonNull(bytes, "a string or binary pattern").clone();
  }

  /** How many bytes a string or binary pattern looks for, 0 for the others. */
  int patternLength() {
    return bytes == null ? 0 : bytes.length;
  }

  public boolean isNegated() {
    return negated;
  }

  /** The bytes to wait for before judging, -1 to wait for a match. */
  public int minRecv() {
    return minRecv;
  }

  public CheckStatus okStatus() {
    return okStatus;
  }

  public CheckStatus errorStatus() {
    return errorStatus;
  }

  public CheckStatus timeoutStatus() {
    return timeoutStatus;
  }

  /** What a pass says instead of HAProxy's default words, or {@code null}. */
  public @Nullable CheckMessage successMessage() {
    return onSuccess;
  }

  /** What a failure says instead of HAProxy's default words, or {@code null}. */
  public @Nullable CheckMessage errorMessage() {
    return onError;
  }

  /** Where the outcome's code comes from, or {@code null} for 0. */
  public @Nullable CheckMessage statusCode() {
    return statusCode;
  }

  @Override
  public @Nullable String comment() {
    return comment;
  }

  /** The parser of a ready-made check's step, {@code null} for the others. */
  @Nullable ResponseParser parser() {
    return parser;
  }

  /** Whether the first {@code length} bytes of {@code answer} match, before any negation. */
  boolean matches(byte[] answer, int length) {
    if (bytes != null) {
      return indexOf(answer, length, bytes) >= 0;
    }
    if (regex == null) {
      throw new IllegalStateException("a custom expect is judged by its parser");
    }
    String subject = kind == Kind.RSTRING
        ? new String(answer, 0, length, StandardCharsets.ISO_8859_1)
        : HexFormat.of().withUpperCase().formatHex(answer, 0, length);
    return regex.matcher(subject).find();
  }

  private static int indexOf(byte[] answer, int length, byte[] wanted) {
    outer:
    for (int i = 0; i + wanted.length <= length; i++) {
      for (int j = 0; j < wanted.length; j++) {
        if (answer[i + j] != wanted[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CheckExpect other
        && kind == other.kind
        && Objects.equals(pattern, other.pattern)
        && parser == other.parser
        && negated == other.negated
        && minRecv == other.minRecv
        && okStatus == other.okStatus
        && errorStatus == other.errorStatus
        && timeoutStatus == other.timeoutStatus
        && Objects.equals(String.valueOf(onSuccess), String.valueOf(other.onSuccess))
        && Objects.equals(String.valueOf(onError), String.valueOf(other.onError))
        && Objects.equals(String.valueOf(statusCode), String.valueOf(other.statusCode))
        && Objects.equals(comment, other.comment);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, pattern, negated, minRecv);
  }

  @Override
  public String toString() {
    return "expect " + (negated ? "! " : "") + kind.keyword + (pattern == null ? "" : " " + pattern);
  }
}
