package io.steelyard.lb.log;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The layout of a connection's log line in HAProxy's {@code log-format} language: text, and
 * {@code %} variables ({@link LogVariable}) replaced by the connection's values. {@code %%} is a
 * literal {@code %}; {@code %{+Q}} before a text variable puts it in double quotes. {@link
 * #TCPLOG} is HAProxy's {@code option tcplog}:
 *
 * <pre>
 * %ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq
 * </pre>
 *
 * <p>HTTP variables ({@code %r}, {@code %ST}, ...) and sample expressions ({@code %[src]}) are
 * refused: Steelyard's frontends are TCP.
 */
public final class LogFormat {
  /**
   * One piece of a line: {@code text} as written when {@code variable} is {@code null}, else the
   * variable's value, in quotes when {@code quoted}.
   */
  public record Part(@Nullable String text, @Nullable LogVariable variable, boolean quoted) {}

  /** HAProxy's {@code option tcplog} line. */
  public static final LogFormat TCPLOG =
      parse("%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq");

  private final String source;
  private final List<Part> parts;
  private final Set<LogVariable> variables;

  private LogFormat(String source, List<Part> parts) {
    this.source = source;
    this.parts = List.copyOf(parts);
    this.variables = EnumSet.noneOf(LogVariable.class);
    for (Part part : parts) {
      if (part.variable() != null) {
        variables.add(part.variable());
      }
    }
  }

  /**
   * Reads a {@code log-format} string.
   *
   * @throws IllegalArgumentException naming the variable or the position that is not understood
   */
  public static LogFormat parse(String format) {
    requireNonNull(format, "format");
    List<Part> parts = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    int at = 0;
    while (at < format.length()) {
      char c = format.charAt(at);
      if (c != '%') {
        text.append(c);
        at++;
        continue;
      }
      if (at + 1 < format.length() && format.charAt(at + 1) == '%') {
        text.append('%');
        at += 2;
        continue;
      }
      int start = at++;
      boolean quoted = false;
      if (at < format.length() && format.charAt(at) == '{') {
        int close = format.indexOf('}', at);
        if (close < 0) {
          throw new IllegalArgumentException(
              "log-format '" + format + "': missing '}' after '%{' at position " + start);
        }
        quoted = flags(format, format.substring(at + 1, close));
        at = close + 1;
      }
      if (at < format.length() && format.charAt(at) == '[') {
        throw new IllegalArgumentException("log-format '" + format + "': sample expressions such as '"
            + format.substring(start, Math.max(format.indexOf(']', at) + 1, at + 1))
            + "' are not supported by Steelyard (it takes the % variables of TCP mode)");
      }
      int end = at;
      while (end < format.length() && Character.isLetter(format.charAt(end))) {
        end++;
      }
      if (end == at) {
        throw new IllegalArgumentException("log-format '" + format + "': no variable name after '%'"
            + " at position " + start + " (write '%%' for a literal '%')");
      }
      String name = format.substring(at, end);
      LogVariable variable = LogVariable.named(name);
      if (variable == null) {
        throw new IllegalArgumentException("log-format '" + format + "': no such format variable '%"
            + name + "' in TCP mode (Steelyard takes " + supported() + "; write '%%' for a literal '%')");
      }
      if (quoted && !variable.quotable()) {
        throw new IllegalArgumentException("log-format '" + format + "': '%{+Q}" + name
            + "' quotes a number, which HAProxy writes without quotes");
      }
      if (text.length() > 0) {
        parts.add(new Part(text.toString(), null, false));
        text.setLength(0);
      }
      parts.add(new Part(null, variable, quoted));
      at = end;
    }
    if (text.length() > 0) {
      parts.add(new Part(text.toString(), null, false));
    }
    return new LogFormat(format, parts);
  }

  private static boolean flags(String format, String flags) {
    return switch (flags) {
      case "+Q" -> true;
      case "-Q", "" -> false;
      default -> throw new IllegalArgumentException("log-format '" + format + "': option '%{" + flags
          + "}' is not supported by Steelyard (it takes +Q and -Q)");
    };
  }

  private static String supported() {
    StringBuilder names = new StringBuilder();
    for (LogVariable variable : LogVariable.values()) {
      names.append(names.length() == 0 ? "%" : " %").append(variable.haproxyName());
    }
    return names.toString();
  }

  /** The pieces of a line, in order. */
  public List<Part> parts() {
    return parts;
  }

  /** Whether a line of this format shows {@code variable}. */
  public boolean uses(LogVariable variable) {
    return variables.contains(variable);
  }

  /** The format as written. */
  @Override
  public String toString() {
    return source;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof LogFormat that && source.equals(that.source);
  }

  @Override
  public int hashCode() {
    return source.hashCode();
  }
}
