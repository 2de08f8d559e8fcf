package io.touchpoints.cli;

import io.touchpoints.tables.TableRows;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a value read without Spark ({@link TableRows}) prints, written to match what the same value printed through
 * Spark before (the output of {@code show} and {@code runs} is read by people and scripts): {@link #pretty} is a
 * cell of {@code Dataset.show} (Spark's {@code ToPrettyString}), {@link #json} a value of {@code Dataset.toJSON},
 * {@link #plain} the text of a Spark {@code Row} value ({@code String.valueOf}), used by CSV. Timestamps print in UTC,
 * the job's session time zone.
 */
final class CellText {

  private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
      .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter JSON_TIMESTAMP = DateTimeFormatter.ofPattern(
      "yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);
  /** Characters two columns wide on a terminal: Spark's {@code Utils.stringHalfWidth} counts them twice. */
  private static final Pattern FULL_WIDTH = Pattern.compile(
      "[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE10-\uFE19\uFE30-\uFE6F\uFF00-\uFF60\uFFE0-\uFFE6]");

  private CellText() {
  }

  /** A cell of {@code show}: NULL for null, nested values in brackets, binary as hex, decimals plain. */
  static String pretty(Object value) {
    if (value == null) {
      return "NULL";
    } else if (value instanceof Instant t) {
      String text = SECONDS.format(t);
      int nanos = t.getNano();
      if (nanos == 0) {
        return text;
      }
      String fraction = String.format("%09d", nanos).substring(0, 6).replaceAll("0+$", "");
      return fraction.isEmpty() ? text : text + "." + fraction;
    } else if (value instanceof BigDecimal d) {
      return d.toPlainString();
    } else if (value instanceof byte[] bytes) {
      List<String> hex = new ArrayList<>();
      for (byte b : bytes) {
        hex.add(String.format("%02X", b));
      }
      return "[" + String.join(" ", hex) + "]";
    } else if (value instanceof List<?> list) {
      return "[" + String.join(", ", list.stream().map(CellText::pretty).toList()) + "]";
    } else if (value instanceof Map<?, ?> map) {
      List<String> entries = new ArrayList<>();
      map.forEach((k, v) -> entries.add(pretty(k) + " -> " + pretty(v)));
      return "{" + String.join(", ", entries) + "}";
    } else if (value instanceof TableRows.Struct struct) {
      return "{" + String.join(", ", struct.values().stream().map(CellText::pretty).toList()) + "}";
    }
    return String.valueOf(value);
  }

  /** A JSON value as Spark writes it: timestamps with milliseconds and zone, NaN and infinities quoted. */
  static String json(Object value) {
    if (value == null) {
      return "null";
    } else if (value instanceof String s) {
      return quote(s);
    } else if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
      return quote(d.toString());
    } else if (value instanceof Float f && (f.isNaN() || f.isInfinite())) {
      return quote(f.toString());
    } else if (value instanceof Instant t) {
      return quote(JSON_TIMESTAMP.format(t));
    } else if (value instanceof LocalDate d) {
      return quote(d.toString());
    } else if (value instanceof byte[] bytes) {
      return quote(Base64.getEncoder().encodeToString(bytes));
    } else if (value instanceof List<?> list) {
      return "[" + String.join(",", list.stream().map(CellText::json).toList()) + "]";
    } else if (value instanceof Map<?, ?> map) {
      List<String> entries = new ArrayList<>();
      map.forEach((k, v) -> entries.add(quote(String.valueOf(k)) + ":" + json(v)));
      return "{" + String.join(",", entries) + "}";
    } else if (value instanceof TableRows.Struct struct) {
      return jsonObject(struct.names(), struct.values());
    }
    return String.valueOf(value);
  }

  /** A row or struct as a JSON object; null fields are left out, as Spark leaves them. */
  static String jsonObject(List<String> names, List<Object> values) {
    List<String> fields = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      if (values.get(i) != null) {
        fields.add(quote(names.get(i)) + ":" + json(values.get(i)));
      }
    }
    return "{" + String.join(",", fields) + "}";
  }

  /** The text of a value as {@code String.valueOf} of the Java value Spark hands out; nested values as JSON. */
  static String plain(Object value) {
    if (value instanceof Instant t) {
      return Timestamp.from(t).toString();
    } else if (value instanceof List<?> || value instanceof Map<?, ?> || value instanceof TableRows.Struct) {
      return json(value);
    } else if (value instanceof byte[]) {
      return pretty(value);
    }
    return String.valueOf(value);
  }

  /** Terminal columns the text takes, as Spark measures them when it pads {@code show}'s cells. */
  static int width(String text) {
    int wide = 0;
    Matcher m = FULL_WIDTH.matcher(text);
    while (m.find()) {
      wide++;
    }
    return text.length() + wide;
  }

  /** Control characters written as escapes, so that a cell stays on its line (Spark's escapeMetaCharacters). */
  static String escapeMeta(String text) {
    return text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t").replace("\f", "\\f")
        .replace("\b", "\\b").replace("\u000B", "\\v").replace("\u0007", "\\a");
  }

  private static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04X", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
