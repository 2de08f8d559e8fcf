package io.touchpoints.input;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded messy CSV and JSON-lines files, each row written beside what it must become: kept with these canonical
 * values, or quarantined under this reason. The expectations are worked out here from what was written, not by the
 * job's code: its own small rules (ISO times, whole numbers, the validation bounds of the defaults).
 *
 * <p>Kinds of mess: column orders shuffled per file, optional and unknown extra columns, BOMs, CRLF line ends,
 * quoted fields with separators, quotes and (JSON) escapes, very long strings, control characters, invalid UTF-8
 * (a lone Latin-1 byte, an encoded surrogate), extreme times and numbers, broken lines.
 */
final class MessyLogGenerator {

  /** What a row must become. */
  record Expected(String eventId, String reason, Map<String, String> canonical, Map<String, String> source,
      String line, boolean invalidBytes) {
    boolean kept() {
      return reason == null;
    }
  }

  /** The kinds of row, with what each must become. */
  enum Kind {
    CLEAN(null), LONG_TEXT(null), CONTROL_CHARS(null), QUOTES_AND_SEPARATORS(null), EXTRA_COLUMN_VALUE(null),
    MISSING_CUSTOMER("MISSING_CUSTOMER"), MISSING_TOUCHPOINT("MISSING_TOUCHPOINT"),
    UNPARSEABLE_TIME("UNPARSEABLE_TIME"), YEAR_ONE("TIME_OUT_OF_RANGE"), FAR_FUTURE("FUTURE_TIME"),
    HUGE_REVENUE("NUMBER_OUT_OF_RANGE"), HUGE_CSAT("NUMBER_OUT_OF_RANGE"), TEXT_REVENUE("INVALID_NUMBER"),
    NEGATIVE_REVENUE("NEGATIVE_REVENUE"), CSAT_TOO_HIGH("CSAT_OUT_OF_RANGE"), UNKNOWN_TYPE("UNKNOWN_EVENT_TYPE"),
    LATIN1_BYTE("INVALID_ENCODING"), ENCODED_SURROGATE("INVALID_ENCODING"), BROKEN_LINE("MALFORMED_RECORD");

    final String reason;

    Kind(String reason) {
      this.reason = reason;
    }
  }

  static final List<String> OPTIONAL = List.of("event_type", "revenue", "csat", "nps", "anonymous_id", "segment",
      "channel");
  private static final List<String> TOUCHPOINTS = List.of("email", "web_visit", "checkout", "survey", "Ünïcødé 触点");
  private static final Instant BASE = Instant.parse("2024-01-01T00:00:00Z");

  private final Random random;
  final Map<Kind, Integer> kindCounts = new LinkedHashMap<>();

  MessyLogGenerator(long seed) {
    this.random = new Random(seed);
  }

  private List<List<String>> layouts = List.of();

  /**
   * Starts a batch of files read together: its files take their columns from a few layouts (random column sets in
   * random orders), so that a batch is a few scans (one per header), as an export folder would be.
   */
  void newBatch(int layoutCount) {
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < layoutCount; i++) {
      List<String> columns = new ArrayList<>(List.of("event_id", "customer_id", "event_time", "touchpoint"));
      for (String optional : OPTIONAL) {
        if (random.nextBoolean()) {
          columns.add(optional);
        }
      }
      if (random.nextInt(3) == 0) {
        columns.add("x_note");
      }
      Collections.shuffle(columns, random);
      out.add(List.copyOf(columns));
    }
    layouts = out;
  }

  /** Writes {@code files} files of one format under {@code dir}; returns every row's expectation. */
  List<Expected> writeCase(Path dir, String caseId, boolean json, int files) {
    List<Expected> all = new ArrayList<>();
    for (int f = 0; f < files; f++) {
      List<String> columns = layouts.get(random.nextInt(layouts.size()));
      boolean crlf = random.nextInt(3) == 0;
      boolean bom = random.nextInt(4) == 0;
      String eol = crlf ? "\r\n" : "\n";
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (bom) {
        out.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
      }
      if (!json) {
        out.writeBytes((String.join(",", columns) + eol).getBytes(StandardCharsets.UTF_8));
      }
      int rows = 2 + random.nextInt(8);
      for (int r = 0; r < rows; r++) {
        String id = caseId + "f" + f + "r" + r;
        Kind kind = pick(columns);
        kindCounts.merge(kind, 1, Integer::sum);
        all.add(writeRow(out, id, kind, columns, json, eol));
      }
      try {
        Files.write(dir.resolve(caseId + "-" + f + (json ? ".json" : ".csv")), out.toByteArray());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return all;
  }

  /** A kind the file's columns can show (a revenue problem needs a revenue column). */
  private Kind pick(List<String> columns) {
    while (true) {
      Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
      boolean possible = switch (kind) {
        case HUGE_REVENUE, TEXT_REVENUE, NEGATIVE_REVENUE -> columns.contains("revenue");
        case HUGE_CSAT, CSAT_TOO_HIGH -> columns.contains("csat");
        case UNKNOWN_TYPE -> columns.contains("event_type");
        case EXTRA_COLUMN_VALUE -> columns.contains("x_note");
        default -> true;
      };
      if (possible) {
        return kind;
      }
    }
  }

  private Expected writeRow(ByteArrayOutputStream out, String id, Kind kind, List<String> columns, boolean json,
      String eol) {
    Map<String, String> values = new LinkedHashMap<>();
    Instant time = BASE.plusSeconds(random.nextInt(86_400 * 100));
    values.put("event_id", id);
    values.put("customer_id", "c" + random.nextInt(20));
    values.put("event_time", time.toString());
    values.put("touchpoint", TOUCHPOINTS.get(random.nextInt(TOUCHPOINTS.size())));
    for (String c : columns) {
      switch (c) {
        case "event_type" -> values.put(c, random.nextBoolean() ? "interaction" : "Conversion");
        case "revenue" -> values.put(c, random.nextBoolean() ? "" : (random.nextInt(100000) + "." + random.nextInt(100)));
        case "csat" -> values.put(c, random.nextBoolean() ? "" : String.valueOf(1 + random.nextInt(5)));
        case "nps" -> values.put(c, random.nextBoolean() ? "" : String.valueOf(random.nextInt(11)));
        case "anonymous_id" -> values.put(c, random.nextBoolean() ? "" : "a" + random.nextInt(20));
        case "segment" -> values.put(c, "seg " + random.nextInt(3));
        case "channel" -> values.put(c, random.nextBoolean() ? "" : "owned");
        case "x_note" -> values.put(c, "note");
        default -> { }
      }
    }
    byte[] badBytes = null;
    switch (kind) {
      case LONG_TEXT -> values.put("touchpoint", "t".repeat(5000 + random.nextInt(20000)));
      case CONTROL_CHARS -> values.put("customer_id", "c\u0001\u0007\u001f" + random.nextInt(5));
      case QUOTES_AND_SEPARATORS -> values.put("touchpoint", "say \"hi\", then; go\\now");
      case EXTRA_COLUMN_VALUE -> values.put("x_note", "{\"nested\": [1, 2]}, with comma");
      case MISSING_CUSTOMER -> {
        values.put("customer_id", "");
        if (columns.contains("anonymous_id")) {
          values.put("anonymous_id", "");
        }
      }
      case MISSING_TOUCHPOINT -> values.put("touchpoint", "");
      case UNPARSEABLE_TIME -> values.put("event_time", "31/02/2024 25:61");
      case YEAR_ONE -> values.put("event_time", "0001-01-01T00:00:00Z");
      case FAR_FUTURE -> values.put("event_time", "9999-12-31T23:59:59Z");
      case HUGE_REVENUE -> values.put("revenue", random.nextBoolean() ? "1e30" : "123456789012345678");
      case HUGE_CSAT -> values.put("csat", "99999999999");
      case TEXT_REVENUE -> values.put("revenue", "lots");
      case NEGATIVE_REVENUE -> values.put("revenue", "-5.25");
      case CSAT_TOO_HIGH -> values.put("csat", "9");
      case UNKNOWN_TYPE -> values.put("event_type", "purchase?");
      case LATIN1_BYTE -> badBytes = new byte[] {(byte) 0xE9};
      case ENCODED_SURROGATE -> badBytes = new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80};
      default -> { }
    }
    Map<String, String> source = new LinkedHashMap<>();
    for (String c : columns) {
      source.put(c, values.get(c));
    }
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    if (json) {
      line.writeBytes("{".getBytes(StandardCharsets.UTF_8));
      boolean first = true;
      for (String c : columns) {
        String v = values.get(c);
        if (v.isEmpty() && random.nextBoolean()) {
          continue; // an absent key and an empty string both mean "no value"
        }
        line.writeBytes(((first ? "" : ", ") + jsonString(c) + ": ").getBytes(StandardCharsets.UTF_8));
        if (badBytes != null && c.equals("customer_id")) {
          line.writeBytes("\"x".getBytes(StandardCharsets.UTF_8));
          line.writeBytes(badBytes);
          line.writeBytes("\"".getBytes(StandardCharsets.UTF_8));
        } else {
          line.writeBytes(jsonString(v).getBytes(StandardCharsets.UTF_8));
        }
        first = false;
      }
      line.writeBytes((kind == Kind.BROKEN_LINE ? ", \"cut\": " : "}").getBytes(StandardCharsets.UTF_8));
    } else {
      List<String> fields = new ArrayList<>();
      for (String c : columns) {
        fields.add(csvField(values.get(c)));
      }
      if (kind == Kind.BROKEN_LINE) {
        fields.add("one-field-too-many");
      }
      String text = String.join(",", fields);
      if (badBytes != null) {
        int at = text.indexOf(id) + id.length();
        line.writeBytes(text.substring(0, at).getBytes(StandardCharsets.UTF_8));
        line.writeBytes(badBytes);
        line.writeBytes(text.substring(at).getBytes(StandardCharsets.UTF_8));
      } else {
        line.writeBytes(text.getBytes(StandardCharsets.UTF_8));
      }
    }
    String lineText = line.toString(StandardCharsets.UTF_8);
    out.writeBytes(line.toByteArray());
    out.writeBytes(eol.getBytes(StandardCharsets.UTF_8));
    if (kind.reason != null) {
      return new Expected(id, kind.reason, null, source, lineText, badBytes != null);
    }
    return new Expected(id, null, canonical(values, columns), source, lineText, false);
  }

  /** The canonical row the job must keep: the oracle's own rules for the clean kinds it writes. */
  private static Map<String, String> canonical(Map<String, String> values, List<String> columns) {
    Map<String, String> c = new LinkedHashMap<>();
    for (String name : List.of("event_id", "customer_id", "touchpoint", "anonymous_id", "segment", "channel")) {
      String v = columns.contains(name) ? values.get(name) : null;
      c.put(name, v == null || v.isEmpty() ? null : v);
    }
    c.put("event_time", Instant.parse(values.get("event_time")).toString());
    String type = columns.contains("event_type") ? values.get("event_type") : "";
    c.put("event_type", type.isEmpty() ? "interaction" : type.toLowerCase());
    String revenue = columns.contains("revenue") ? values.get("revenue") : "";
    c.put("revenue", revenue.isEmpty() ? null : new BigDecimal(revenue).setScale(4).toPlainString());
    for (String n : List.of("csat", "nps")) {
      String v = columns.contains(n) ? values.get(n) : "";
      c.put(n, v.isEmpty() ? null : String.valueOf(Integer.parseInt(v)));
    }
    return c;
  }

  /** RFC 4180 quoting: a field with a separator, quote or backslash is quoted, quotes doubled. */
  private static String csvField(String v) {
    if (v.contains(",") || v.contains("\"") || v.contains("\\")) {
      return "\"" + v.replace("\"", "\"\"") + "\"";
    }
    return v;
  }

  private static String jsonString(String v) {
    StringBuilder b = new StringBuilder("\"");
    for (char ch : v.toCharArray()) {
      switch (ch) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (ch < 0x20) {
            b.append(String.format("\\u%04x", (int) ch));
          } else {
            b.append(ch);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
