package io.steelyard.lb.health;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A message of a check's {@code on-success} or {@code on-error}, or its {@code status-code}: text,
 * and parts of the server's answer, in the subset of HAProxy's log-format that checks use. {@code
 * %[res.payload(OFFSET,LENGTH)]} is the answer's bytes from {@code OFFSET}, {@code LENGTH} of them
 * (0 for all), followed by any of the converters {@code ,ltrim(' ')} (drop the given character at
 * the start) and {@code ,cut_crlf} (stop at the first CR or LF); {@code %[int(N)]} is a number,
 * and {@code %%} a percent sign. A {@code status-code} takes the same expression without {@code
 * %[...]}.
 */
public final class CheckMessage {
  private static final Pattern SAMPLE =
      Pattern.compile("res\\.payload\\((\\d+),(\\d+)\\)((?:,ltrim\\('.'\\)|,cut_crlf)*)|int\\((\\d+)\\)");
  private static final Pattern CONVERTER = Pattern.compile(",ltrim\\('(.)'\\)|,cut_crlf");

  /** A piece of the message: literal text, or a sample of the answer. */
  private interface Part {
    void appendTo(StringBuilder out, byte[] answer, int length);
  }

  private record Text(String text) implements Part {
    @Override
    public void appendTo(StringBuilder out, byte[] answer, int length) {
      out.append(text);
    }
  }

  private record Payload(int offset, int size, char trimmed, boolean cutAtLineEnd)
      implements Part {
    @Override
    public void appendTo(StringBuilder out, byte[] answer, int length) {
      int from = Math.min(offset, length);
      int to = size == 0 ? length : Math.min(length, offset + size);
      while (trimmed != 0 && from < to && answer[from] == trimmed) {
        from++;
      }
      if (cutAtLineEnd) {
        for (int i = from; i < to; i++) {
          if (answer[i] == '\r' || answer[i] == '\n') {
            to = i;
            break;
          }
        }
      }
      out.append(new String(answer, from, to - from, StandardCharsets.ISO_8859_1));
    }
  }

  private final String written;
  private final List<Part> parts;

  private CheckMessage(String written, List<Part> parts) {
    this.written = written;
    this.parts = parts;
  }

  /** Parses {@code format}; {@code keyword} names it in the error. */
  public static CheckMessage of(String keyword, String format) {
    List<Part> parts = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    int i = 0;
    while (i < format.length()) {
      char c = format.charAt(i);
      if (c != '%') {
        text.append(c);
        i++;
      } else if (format.startsWith("%%", i)) {
        text.append('%');
        i += 2;
      } else if (format.startsWith("%[", i) && format.indexOf(']', i) > 0) {
        int end = closing(format, i + 2);
        if (!text.isEmpty()) {
          parts.add(new Text(text.toString()));
          text.setLength(0);
        }
        parts.add(sample(keyword, format, format.substring(i + 2, end)));
        i = end + 1;
      } else {
        throw unsupported(keyword, format, format.substring(i));
      }
    }
    if (!text.isEmpty()) {
      parts.add(new Text(text.toString()));
    }
    return new CheckMessage(format, List.copyOf(parts));
  }

  /** Parses a {@code status-code} expression, such as {@code res.payload(0,3)} or {@code int(7)}. */
  public static CheckMessage statusCode(String expression) {
    return new CheckMessage(expression, List.of(sample("status-code", expression, expression)));
  }

  /** The index of the {@code ]} that closes a sample started before {@code from}. */
  private static int closing(String format, int from) {
    int depth = 0;
    for (int i = from; i < format.length(); i++) {
      char c = format.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ']' && depth == 0) {
        return i;
      }
    }
    return format.length() - 1;
  }

  private static Part sample(String keyword, String format, String expression) {
    Matcher matcher = SAMPLE.matcher(expression);
    if (!matcher.matches()) {
      throw unsupported(keyword, format, expression);
    }
    if (matcher.group(4) != null) {
      return new Text(String.valueOf(Integer.parseInt(matcher.group(4))));
    }
    char trimmed = 0;
    boolean cut = false;
    Matcher converter = CONVERTER.matcher(matcher.group(3));
    while (converter.find()) {
      if (converter.group(1) != null) {
        trimmed = converter.group(1).charAt(0);
      } else {
        cut = true;
      }
    }
    return new Payload(
        Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)), trimmed, cut);
  }

  private static IllegalArgumentException unsupported(
      String keyword, String format, String what) {
    return new IllegalArgumentException(
        "'" + keyword + "' : '" + what + "' in '" + format + "' is not supported by Steelyard"
            + " (a check's messages take text, '%%', '%[res.payload(OFFSET,LENGTH)]' with"
            + " ',ltrim(' ')' and ',cut_crlf', and '%[int(N)]')");
  }

  /** The message for the first {@code length} bytes of {@code answer}. */
  String format(byte[] answer, int length) {
    if (parts.size() == 1 && parts.get(0) instanceof Text text) {
      return text.text();
    }
    StringBuilder out = new StringBuilder();
    for (Part part : parts) {
      part.appendTo(out, answer, length);
    }
    return out.toString();
  }

  /** The message read as a number, for a status code; 0 when it is not one. */
  int code(byte[] answer, int length) {
    try {
      return Integer.parseInt(format(answer, length).trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Override
  public String toString() {
    return written;
  }
}
